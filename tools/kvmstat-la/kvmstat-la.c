// SPDX-License-Identifier: GPL-2.0
/*
 * kvmstat-la: kvm_stat for LoongArch KVM, and for x86 KVM too.
 *
 * Live dashboard (ncurses) of KVM events per VM and per vCPU, with exit
 * latency histograms aggregated in the kernel by BPF, plus --once, log/CSV,
 * JSON and an OpenMetrics endpoint.  Providers: BPF (default),
 * perf_event_open tracepoint counters (-t), KVM stats (-d).
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <unistd.h>
#include "kvmla-tools.h"
#include "collect.h"
#include "util.h"

/*
 * Options are parsed twice: a first, silent pass (ARGP_NO_ERRS) that only
 * validates (and never exits), so that every mistake is said in one line through kvmla_err()
 * and exits KVMLA_EXIT_USAGE (argp's own messages take two lines and exit
 * 64), then the real pass, where --help, --usage and --version answer.
 */
static bool checking;	/* the first pass */

static void print_version(FILE *f, struct argp_state *state)
{
	(void)state;
	if (!checking) {
		fprintf(f, "kvmstat-la %s\n", KS_VERSION);
		exit(0);
	}
}

void (*argp_program_version_hook)(FILE *, struct argp_state *) = print_version;
static const char doc[] =
"kvmstat-la: live KVM event counts and exit latency, per VM and per vCPU.\n"
"\n"
"Like kvm_stat (same keys and modes), plus per-vCPU views, exit latency\n"
"percentiles, JSON and OpenMetrics.  Works on LoongArch (kvmla's kvm.ko) and\n"
"x86 KVM hosts.\n"
"\n"
"EXAMPLES:\n"
"    kvmstat-la                      # dashboard, all VMs (BPF: latency)\n"
"    kvmstat-la -l                   # log of counts from KVM stats, no probes\n"
"    kvmstat-la -g 'web-*'           # VMs named web-* (QEMU -name), re-found when restarted\n"
"    kvmstat-la -1 --json -p 1234    # one JSON snapshot of VM pid 1234\n"
"    kvmstat-la --json-stream -s 1   # JSON Lines, one per second\n"
"    kvmstat-la -dtcz -s 10 -L /var/log/kvmstat-la.csv   # CSV log, reopened on SIGHUP\n"
"    kvmstat-la --listen 127.0.0.1:9101   # OpenMetrics on /metrics\n"
"    kvmstat-la --replay boot.dat --json  # the counts of a recorded trace.dat\n"
"\v" KVMLA_BUG_REPORT;

enum {
	OPT_JSON = 1000, OPT_JSON_STREAM, OPT_LISTEN, OPT_PROFILE, OPT_TRACEFS, OPT_DEBUGFS_DIR,
	OPT_NO_LAT, OPT_UNTIL_EXIT, OPT_READY, OPT_PROVIDER, OPT_DECODE, OPT_REPLAY, OPT_KEEP_DEAD,
};

static const struct argp_option options[] = {
	{ "once", '1', NULL, 0, "Print one sample (default interval 1 s) and exit", 0 },
	{ "batch", '1', NULL, OPTION_ALIAS, NULL, 0 },
	{ "log", 'l', NULL, 0, "Log mode: one line of deltas per interval, vmstat-like", 0 },
	{ "log-to-file", 'L', "FILE", 0, "Like -l, appending to FILE; SIGHUP reopens it", 0 },
	{ "csv", 'c', NULL, 0, "Log in CSV (with -l or -L)", 0 },
	{ "set-delay", 's', "SECS", 0, "Refresh interval, 0.1-25.5 s (default 3, --once 1)", 0 },
	{ "pid", 'p', "PID[,PID]", 0, "Only these VM processes", 0 },
	{ "guest", 'g', "NAME", 0, "Only VMs whose -name matches NAME (glob); re-found by name", 0 },
	{ "fields", 'f', "REGEX", 0, "Only events matching REGEX ('help' lists them)", 0 },
	{ "skip-zero-records", 'z', NULL, 0, "Omit events whose count is zero", 0 },
	{ "debugfs", 'd', NULL, 0, "KVM stats provider (debugfs, or binary stats fds)", 0 },
	{ "tracepoints", 't', NULL, 0, "perf_event_open tracepoint counters (no BPF)", 0 },
	{ "bpf", 'b', NULL, 0, "BPF provider", 0 },
	{ "provider", OPT_PROVIDER, "NAME", 0,
	  "bpf, perf or stats (default: KVM stats when only counts are needed, else BPF)", 0 },
	{ "verbose", 'v', NULL, 0, "Say which provider was chosen and why (stderr)", 0 },
	{ "replay", OPT_REPLAY, "FILE", 0,
	  "Counts of a recorded trace.dat instead of live ones: one snapshot (as --once)", 0 },
	{ "count", 'n', "N", 0, "Stop after N intervals (log, json-stream)", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON snapshot (implies --once unless -l/-L)", 0 },
	{ "json-stream", OPT_JSON_STREAM, NULL, 0, "JSON Lines, one snapshot per interval", 0 },
	{ "listen", OPT_LISTEN, "ADDR:PORT", 0, "Serve OpenMetrics on http://ADDR:PORT/metrics", 0 },
	{ "profile", OPT_PROFILE, "NAME", 0, "Event profile: x86, loongarch, generic (default: auto)", 0 },
	{ "tracefs", OPT_TRACEFS, "DIR", 0, "tracefs mount point (default /sys/kernel/tracing)", 0 },
	{ "debugfs-dir", OPT_DEBUGFS_DIR, "DIR", 0, "debugfs mount point (default /sys/kernel/debug)", 0 },
	{ "no-latency", OPT_NO_LAT, NULL, 0, "BPF: count only, no latency histograms", 0 },
	{ "until-exit", OPT_UNTIL_EXIT, NULL, 0, "--once: sample until every selected VM has exited", 0 },
	{ "keep-dead", OPT_KEEP_DEAD, "SECS", 0,
	  "A dead VM stays listed SECS seconds (default 60), then is retired: its counts stay in the totals", 0 },
	{ "ready", OPT_READY, "FILE", 0, "Create FILE once collection has started", 0 },
	{ "decode", OPT_DECODE, "EVENT=V[,V]", 0,
	  "Print the name and JSON key of reason values of EVENT (as the profile names them), and exit", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static const char *decode_arg;
static bool usage_said;		/* a bad value was reported by bad_usage() */

static error_t bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static error_t bad_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvmla_verr(fmt, ap);
	va_end(ap);
	usage_said = true;
	return EINVAL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ks_opts *o = state->input;
	char *end;

	switch (key) {
	case '1': o->once = true; break;
	case 'l': o->log = true; break;
	case 'L': o->log = true; o->log_file = arg; break;
	case 'c': o->csv = true; break;
	case 's':
		errno = 0;
		o->interval = strtod(arg, &end);
		if (errno || *end || o->interval < 0.1 || o->interval > 25.5)
			return bad_usage("-s: '%s' is not a delay between 0.1 and 25.5 s", arg);
		o->interval_set = true;
		break;
	case 'p':	/* argv stays as it is: both passes read it */
		for (const char *tok = arg; *tok; tok = *end ? end + 1 : end) {
			long v = strtol(tok, &end, 10);

			if ((*end && *end != ',') || end == tok || v <= 0 || v > 0x7fffffff)
				return bad_usage("-p: '%.*s' is not a pid", (int)strcspn(tok, ","), tok);
			if (o->npids < KS_MAX_PIDS)
				o->pids[o->npids++] = (int)v;
		}
		break;
	case 'g': o->guest = arg; break;
	case 'f': o->filter_str = arg; break;
	case 'z': o->zero = true; break;
	case 'd': o->provider = KS_PROV_STATS; o->provider_flag = "-d"; break;
	case 't': o->provider = KS_PROV_PERF; o->provider_flag = "-t"; break;
	case 'b': o->provider = KS_PROV_BPF; o->provider_flag = "-b"; break;
	case 'v': o->verbose = true; break;
	case OPT_PROVIDER:
		o->provider_flag = "--provider";
		if (!strcmp(arg, "bpf"))
			o->provider = KS_PROV_BPF;
		else if (!strcmp(arg, "perf"))
			o->provider = KS_PROV_PERF;
		else if (!strcmp(arg, "stats"))
			o->provider = KS_PROV_STATS;
		else
			return bad_usage("--provider: '%s' is not bpf, perf or stats", arg);
		break;
	case 'n':
		o->count = strtol(arg, &end, 10);
		if (*end || o->count <= 0)
			return bad_usage("-n: '%s' is not a positive count", arg);
		break;
	case OPT_KEEP_DEAD:
		errno = 0;
		o->keep_dead = strtod(arg, &end);
		if (errno || *end || end == arg || !(o->keep_dead >= 0 && o->keep_dead <= 86400))
			return bad_usage("--keep-dead: '%s' is not a number of seconds from 0 to 86400", arg);
		break;
	case OPT_JSON: o->json = true; break;
	case OPT_JSON_STREAM: o->json_stream = true; break;
	case OPT_LISTEN: {
		struct sockaddr_in sin;
		const char *want = ks_listen_parse(arg, &sin);

		if (want)
			return bad_usage("--listen: '%s' is not %s", arg, want);
		o->listen = arg;
		break;
	}
	case OPT_PROFILE:
		if (strcmp(arg, "x86") && strcmp(arg, "loongarch") && strcmp(arg, "generic"))
			return bad_usage("--profile: '%s' is not x86, loongarch or generic", arg);
		o->profile = arg;
		break;
	case OPT_TRACEFS: o->tracefs = arg; break;
	case OPT_DEBUGFS_DIR: o->debugfs = arg; break;
	case OPT_NO_LAT: o->no_latency = true; break;
	case OPT_UNTIL_EXIT: o->until_exit = true; break;
	case OPT_READY: o->ready_file = arg; break;
	case OPT_DECODE: decode_arg = arg; break;
	case OPT_REPLAY: o->replay = arg; o->provider_flag = "--replay"; break;
	case ARGP_KEY_ARG:
		return bad_usage("unexpected argument '%s'", arg);
	case ARGP_KEY_ERROR:	/* getopt's: an unknown option or a missing value */
		if (!usage_said && state->next > 0 && state->next <= state->argc)
			bad_usage("unknown or incomplete option '%s' (see --help)",
				  state->argv[state->next - 1]);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static bool all_dead(struct ks_ctx *ctx)
{
	if (!ctx->nvms)
		return false;
	for (size_t i = 0; i < ctx->nvms; i++)
		if (kvmla_proc_alive(ctx->vms[i].pid))
			return false;
	return true;
}

/* once-mode text (kvm_stat -1) */
static void print_once(struct ks_ctx *ctx, const struct ks_snapshot *cur,
		       const struct ks_snapshot *prev)
{
	struct ks_profile *p = &ctx->prof;

	for (int i = 0; i < p->nev; i++) {
		unsigned long long t, d;

		if (!ks_event_selected(ctx, i))
			continue;
		t = ks_sum(cur, -1, -2, i, true, 0);
		d = t - (prev ? ks_sum(prev, -1, -2, i, true, 0) : 0);
		if (!t && ctx->o->zero)
			continue;
		printf("%-42s%10llu%10llu\n", p->ev[i].name, t, d);
		if (!cur->has_reasons || !ks_event_has_reasons(p, i) || !t)
			continue;
		unsigned long long *rv;
		size_t nr = ks_distinct_reasons(cur, i, &rv);

		for (size_t k = 0; k < nr; k++) {
			unsigned long long rt = ks_sum(cur, -1, -2, i, false, rv[k]);
			unsigned long long rd = rt - (prev ? ks_sum(prev, -1, -2, i, false, rv[k]) : 0);
			const struct ks_reason_name *rn = ks_reason(p, i, rv[k]);
			char label[160];

			snprintf(label, sizeof(label), "%s(%s)", p->ev[i].name, rn ? rn->name : "?");
			printf("%-42s%10llu%10llu\n", label, rt, rd);
		}
		free(rv);
	}
}

/* --decode EVENT=V[,V]: one "value name key" line per value */
static int decode(struct ks_ctx *ctx, char *arg)
{
	char *eq = strchr(arg, '=');
	int ev;

	if (!eq) {
		kvmla_err("--decode: '%s' is not EVENT=VALUE[,VALUE]", arg);
		return KVMLA_EXIT_USAGE;
	}
	*eq = '\0';
	ev = ks_event_find(&ctx->prof, arg);
	if (ev < 0 || !ks_event_has_reasons(&ctx->prof, ev)) {
		kvmla_err("--decode: no event '%s' with reasons in profile %s", arg, ctx->prof.name);
		return 1;
	}
	printf("profile %s\n", ctx->prof.name);
	for (char *tok = strtok(eq + 1, ","); tok; tok = strtok(NULL, ",")) {
		char *end;
		unsigned long long v = strtoull(tok, &end, 0);
		const struct ks_reason_name *rn;

		if (*end) {
			kvmla_err("--decode: '%s' is not a number", tok);
			return KVMLA_EXIT_USAGE;
		}
		rn = ks_reason(&ctx->prof, ev, v);
		printf("%s %s %s\n", tok, rn ? rn->name : "?", rn ? rn->key : "?");
	}
	return 0;
}

static void list_fields(struct ks_ctx *ctx)
{
	for (int i = 0; i < ctx->prof.nev; i++)
		printf("%s\n", ctx->prof.ev[i].name);
}

/*
 * Output that could not be written (a full disk, say) is an error, said
 * once; a reader that went away (EPIPE) only stops us.  errno is kept.
 */
static bool stdout_failed(void)
{
	int e;

	if (!fflush(stdout) && !ferror(stdout))
		return false;
	e = errno ? errno : EIO;
	if (e != EPIPE)
		kvmla_err("writing standard output: %s", strerror(e));
	errno = e;
	return true;
}

static int run_loop(struct ks_ctx *ctx)
{
	struct ks_opts *o = ctx->o;
	struct ks_snapshot prev, cur;
	long n = 0;
	int err = 0, we;

	ks_snapshot_init(&prev);
	ks_snapshot_init(&cur);
	err = ks_collect(ctx, &prev);
	if (err)
		return 1;
	if (o->log && ks_log_open(ctx))
		return 1;
	ks_mark_ready(o->ready_file);
	while (!ks_stopping()) {
		double due = prev.t + o->interval;

		while (!ks_stopping() && !ks_hup_pending() && ks_now() < due)
			ks_nap(due - ks_now());
		if (ks_hup_take()) {
			ks_log_reopen();
			if (ks_now() < due)
				continue;
		}
		/* on SIGTERM still write the partial interval: nothing lost */
		if (ks_collect(ctx, &cur)) {
			err = 1;
			break;
		}
		if (o->listen)
			ks_metrics_update(ctx, &cur);
		if (o->json_stream) {
			char *s = ks_json_render(ctx, &cur, &prev, true);

			if (s) {
				printf("%s\n", s);
				free(s);
			}
			if (stdout_failed()) {
				err = errno != EPIPE;
				break;
			}
		}
		if (o->log && (we = ks_log_write(ctx, &cur, &prev))) {
			err = we != -EPIPE;
			if (err)
				kvmla_err("writing %s: %s", ks_log_name(), strerror(-we));
			break;
		}
		ks_snapshot_swap(&prev, &cur);
		if (o->count && ++n >= o->count)
			break;
	}
	ks_log_close();
	ks_snapshot_free(&prev);
	ks_snapshot_free(&cur);
	return err;
}

static void refresh(struct ks_ctx *ctx)
{
	if (ctx->prov->refresh)
		ctx->prov->refresh(ctx);
	else
		ks_vms_refresh(ctx, false);
}

static int run_once(struct ks_ctx *ctx)
{
	struct ks_opts *o = ctx->o;
	struct ks_snapshot s0, s1;
	int rc = 0;

	ks_snapshot_init(&s0);
	ks_snapshot_init(&s1);
	if (ks_collect(ctx, &s0))
		return 1;
	ks_mark_ready(o->ready_file);
	/* follow VMs and threads that appear meanwhile; learn vCPU thread names */
	if (o->until_exit) {
		while (!ks_stopping() && !all_dead(ctx)) {
			ks_nap(0.05);
			refresh(ctx);
		}
	} else {
		double due = s0.t + o->interval;

		while (!ks_stopping() && ks_now() < due) {
			ks_nap(due - ks_now() < 0.05 ? due - ks_now() : 0.05);
			refresh(ctx);
		}
	}
	if (ks_collect(ctx, &s1))
		return 1;
	if (o->json) {
		char *s = ks_json_render(ctx, &s1, &s0, false);

		if (!s)
			return 1;
		printf("%s\n", s);
		free(s);
	} else {
		print_once(ctx, &s1, &s0);
	}
	if (stdout_failed() && errno != EPIPE)
		rc = 1;
	ks_snapshot_free(&s0);
	ks_snapshot_free(&s1);
	return rc;
}

static void raise_nofile(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* a BPF object or perf event: what the background close must keep open */
static bool probe_fd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	return !strncmp(link, "anon_inode:bpf", 14) || !strcmp(link, "anon_inode:[perf_event]");
}

/* the child keeps only the probes: no terminal, pipe, log file or socket */
static void keep_only_probe_fds(int keep)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;

	for (int fd = 0; fd <= 2 && null >= 0; fd++)
		dup2(null, fd);
	while (dir && (d = readdir(dir))) {
		int fd = atoi(d->d_name);

		if (fd > 2 && fd != dirfd(dir) && fd != null && fd != keep && !probe_fd(fd))
			close(fd);
	}
	if (dir)
		closedir(dir);
	if (null > 2)
		close(null);
}

/*
 * Taking the probes down costs the kernel RCU grace periods per tracepoint,
 * serialized under global mutexes (perf_event_detach_bpf_prog,
 * perf_trace_destroy): seconds for x86's ninety-odd kvm:* events.  Nobody
 * should wait for that at 'q' or after --once.  The probes first stand aside
 * (count nothing, hide nothing from perf), then a child in its own session,
 * holding the only other references, closes them while we exit.
 * KVMSTAT_LA_DETACH=wait closes in the foreground instead; =hold stops the
 * child (SIGSTOP) before it closes, for tests to look at it.
 */
static void close_provider(struct ks_ctx *ctx)
{
	const char *how = getenv("KVMSTAT_LA_DETACH");
	struct pollfd p;
	int self;
	pid_t pid;

	if (ctx->prov->standby)
		ctx->prov->standby(ctx);
	if (!ctx->prov->slow_close || (how && !strcmp(how, "wait"))) {
		ctx->prov->close(ctx);
		return;
	}
	/* readable once we have exited, our references dropped */
	self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	fflush(NULL);
	pid = self < 0 ? -1 : fork();
	if (pid < 0) {
		ctx->prov->close(ctx);
		return;
	}
	if (pid > 0)
		return;		/* exiting drops only our references */
	setsid();
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	keep_only_probe_fds(self);
	p = (struct pollfd){ .fd = self, .events = POLLIN };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	close(self);
	prctl(PR_SET_NAME, "kvmstat-la-bg", 0, 0, 0);
	if (how && !strcmp(how, "hold"))
		raise(SIGSTOP);
	ctx->prov->close(ctx);
	_exit(0);
}

int main(int argc, char **argv)
{
	static struct ks_opts o = { .provider = KS_PROV_AUTO, .keep_dead = KS_KEEP_DEAD_DEFAULT };
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	static struct ks_ctx ctx;
	int err, rc;

	struct ks_opts scratch = { .provider = KS_PROV_AUTO };
	bool json = false;

	for (int i = 1; i < argc; i++)	/* JSON errors need to know early */
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "--json-stream"))
			json = true;
	kvmla_err_setup("kvmstat-la", json);
	checking = true;
	err = argp_parse(&argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_EXIT, NULL, &scratch);
	checking = false;
	if (err) {
		if (!usage_said)
			kvmla_err("bad usage (see --help)");
		return KVMLA_EXIT_USAGE;
	}
	decode_arg = NULL;
	argp_parse(&argp, argc, argv, 0, NULL, &o);
	if (o.replay && (o.log || o.json_stream || o.listen || o.until_exit || o.provider != KS_PROV_AUTO)) {
		kvmla_err("--replay prints one snapshot of the file: not with -l, -L, --json-stream, --listen, --until-exit or a provider");
		return KVMLA_EXIT_USAGE;
	}
	if ((o.json && !o.log && !o.json_stream) || o.replay)
		o.once = true;
	if (!o.interval_set)
		o.interval = o.once ? 1.0 : 3.0;
	/* log lines hold counts only: no latency state machine in the probes */
	if (o.log && !o.once && !o.json && !o.json_stream && !o.listen)
		o.no_latency = true;
	if (o.csv && !o.log) {
		kvmla_err("-c/--csv needs -l or -L");
		return KVMLA_EXIT_USAGE;
	}
	if (o.filter_str && strcmp(o.filter_str, "help")) {
		if (regcomp(&o.filter, o.filter_str, REG_EXTENDED | REG_NOSUB)) {
			kvmla_err("-f: invalid regular expression '%s'", o.filter_str);
			return KVMLA_EXIT_USAGE;
		}
		o.have_filter = true;
	}
	if (geteuid() != 0 && !decode_arg && !o.replay && !(o.tracefs && o.filter_str && !strcmp(o.filter_str, "help"))) {
		kvmla_err("permission denied: KVM tracing needs root (or CAP_BPF+CAP_PERFMON and tracefs access)");
		return 1;
	}
	ctx.o = &o;
	raise_nofile();
	if (ks_provider_choose(&ctx, decode_arg != NULL))
		return 1;
	if (decode_arg)
		return decode(&ctx, (char *)decode_arg);
	if (o.filter_str && !strcmp(o.filter_str, "help")) {
		if ((ctx.prov == &ks_prov_stats || ctx.prov == &ks_prov_replay) && !ctx.opened &&
		    ctx.prov->open(&ctx))
			return 1;
		list_fields(&ctx);
		return 0;
	}
	ks_signals_init(o.log_file != NULL);
	if (!ctx.opened && ctx.prov->open(&ctx)) {
		ctx.prov->close(&ctx);
		return 1;
	}
	if (o.verbose)
		fprintf(stderr, "kvmstat-la: provider %s (%s): %s\n", ctx.prov->name,
			ctx.chose_auto ? "auto" : "forced", ctx.why);
	if (o.listen && ks_metrics_start(o.listen)) {
		ctx.prov->close(&ctx);
		return 1;
	}
	if (o.once)
		rc = run_once(&ctx);
	else if (o.log || o.json_stream || o.listen || !isatty(STDOUT_FILENO))
		rc = (o.log || o.json_stream || o.listen) ? run_loop(&ctx) : run_once(&ctx);
	else
		rc = ks_tui_run(&ctx);
	ks_metrics_stop();
	close_provider(&ctx);
	ks_profile_free(&ctx.prof);
	return rc;
}
