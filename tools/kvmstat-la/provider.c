// SPDX-License-Identifier: GPL-2.0
/*
 * Which provider collects.  -b, -t, -d (--provider) force one.  Otherwise
 * ("auto") the KVM stats, which KVM keeps whether anyone looks or not, are
 * used wherever the output needs only counts they hold: no probe is
 * attached, so the vCPUs pay nothing.  Latency and the tracepoint events
 * the stats lack need the BPF probes.  What the stats hold, per profile:
 *
 *   loongarch  kvmla's kvm.ko: every exit by ecode (exit_*), GSPR kind
 *              (gspr_*) and userspace exit reason (user_exit_*), counted
 *              next to the kvm_exit, kvm_exit_gspr and kvm_out tracepoints;
 *              MMIO/IOCSR reads and writes, faults, VPID, timer, IRQs.
 *   x86        totals per VM and per vCPU (exits, io_exits, mmio_exits,
 *              halt_exits, ...), no breakdown by exit reason.
 *
 * The choice and its reason are shown: JSON provider_choice, the TUI
 * header, -v on stderr.
 */
#include <stdio.h>
#include <string.h>
#include "collect.h"

static bool stats_field_selected(struct ks_ctx *ctx)
{
	for (int i = 0; i < ctx->prof.nev; i++)
		if (ks_event_selected(ctx, i))
			return true;
	return false;
}

/* try the stats: true if they are open and cover the selected fields */
static bool try_stats(struct ks_ctx *ctx)
{
	struct ks_opts *o = ctx->o;
	int err;

	ctx->prov = &ks_prov_stats;
	ctx->quiet_open = true;
	err = ks_prov_stats.open(ctx);
	ctx->quiet_open = false;
	if (!err && (!o->have_filter || stats_field_selected(ctx))) {
		ctx->opened = true;
		ctx->why_short = "counts only";
		snprintf(ctx->why, sizeof(ctx->why),
			 "counts only: read from KVM's own stats, no probes attached");
		return true;
	}
	if (err) {
		ctx->why_short = "no KVM stats";
		snprintf(ctx->why, sizeof(ctx->why),
			 "counts only, but no selected VM has readable KVM stats (debugfs or binary stats fds)");
	} else {
		ctx->why_short = "-f";
		snprintf(ctx->why, sizeof(ctx->why),
			 "-f '%s' selects no KVM stats field: tracepoint events need probes",
			 o->filter_str);
	}
	ks_prov_stats.close(ctx);
	ks_profile_free(&ctx->prof);
	ks_snapshot_free(&ctx->base);
	ks_snapshot_free(&ctx->retired);
	ctx->nretired = 0;
	ctx->have_base = false;
	return false;
}

/*
 * Set ctx->prov (and ctx->why).  The stats provider, when auto picked it,
 * is open on return (ctx->opened); the tracepoint providers have their
 * profile loaded.  profile_only (--decode): only the tracepoint profile.
 */
int ks_provider_choose(struct ks_ctx *ctx, bool profile_only)
{
	struct ks_opts *o = ctx->o;

	ctx->chose_auto = o->provider == KS_PROV_AUTO && !o->replay;
	if (o->replay) {	/* the profile comes from the file, at open */
		ctx->prov = &ks_prov_replay;
		ctx->why_short = "replay";
		snprintf(ctx->why, sizeof(ctx->why), "--replay: the counts of %s", o->replay);
		return 0;
	}
	if (!ctx->chose_auto) {
		ctx->prov = o->provider == KS_PROV_BPF ? &ks_prov_bpf :
			    o->provider == KS_PROV_PERF ? &ks_prov_perf : &ks_prov_stats;
		ctx->why_short = "forced";
		snprintf(ctx->why, sizeof(ctx->why), "forced by %s", o->provider_flag);
	} else if (profile_only) {
		ctx->prov = &ks_prov_bpf;
		ctx->why_short = "profile";
		snprintf(ctx->why, sizeof(ctx->why), "the tracepoint profile");
	} else if (!o->no_latency) {
		ctx->prov = &ks_prov_bpf;
		ctx->why_short = "latency";
		snprintf(ctx->why, sizeof(ctx->why),
			 "latency histograms need probes (--no-latency, -l or -L: counts from KVM stats)");
	} else if (try_stats(ctx)) {
		return 0;
	} else {
		ctx->prov = &ks_prov_bpf;
	}
	if (ctx->prov != &ks_prov_stats && ks_profile_load(ctx))
		return 1;
	return 0;
}
