// SPDX-License-Identifier: GPL-2.0
/*
 * --listen ADDR:PORT: OpenMetrics text on /metrics, served by libmicrohttpd
 * (its own thread).  The page is rendered from each new snapshot; labels
 * vm, pid, vcpu, event, reason (and kind for latency).  A client that does
 * not ask for OpenMetrics (Accept) gets the Prometheus text format 0.0.4: the
 * same samples, counter families named with their _total, no # EOF.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collect.h"

static struct MHD_Daemon *daemon_;
static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;
static char *page[2];	/* [1]: OpenMetrics, [0]: Prometheus text 0.0.4 */
static size_t page_len[2];

struct buf {
	char *p;
	size_t n, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p && b->n + n < b->cap) {
			b->n += n;
			return;
		}
		b->cap = (b->cap + n + 1) * 2;
		b->p = kvmla_xrealloc(b->p, b->cap);
	}
}

/* label values: escape backslash, quote, newline */
static const char *esc(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 3 < size; s++) {
		if (*s == '\\' || *s == '"') {
			out[n++] = '\\';
			out[n++] = *s;
		} else if (*s == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out;
}

static void vm_label(const struct ks_snapshot *s, int pid, char *out, size_t size)
{
	const struct ks_vm *vm = ks_snap_vm(s, pid);
	char tmp[256];

	if (pid == KS_RETIRED_PID) {	/* the retired VMs' sum: one series per event, reason, kind */
		snprintf(out, size, "vm=\"(retired)\",pid=\"retired\"");
		return;
	}
	esc(vm ? vm->name : "", tmp, sizeof(tmp));
	snprintf(out, size, "vm=\"%s\",pid=\"%d\"", tmp, pid);
}

/* OpenMetrics names a counter family without _total, the text format with it */
static void family(struct buf *b, int om, const char *name, const char *type, const char *help)
{
	const char *sfx = !om && !strcmp(type, "counter") ? "_total" : "";

	bprintf(b, "# TYPE %s%s %s\n# HELP %s%s %s\n", name, sfx, type, name, sfx, help);
}

static void render(struct ks_ctx *ctx, const struct ks_snapshot *s, int om, struct buf *out)
{
	struct buf b = { 0 };

	family(&b, om, "kvmstat_la_events", "counter", "KVM events by VM, vCPU, event and reason.");
	for (size_t i = 0; i < s->ncounts; i++) {
		const struct ks_count *c = &s->counts[i];
		const struct ks_reason_name *rn = NULL;
		char vl[320], rs[80];

		if (!ks_event_selected(ctx, c->event))
			continue;
		if (s->has_reasons && ks_event_has_reasons(&ctx->prof, c->event))
			rn = ks_reason(&ctx->prof, c->event, c->reason);
		vm_label(s, c->pid, vl, sizeof(vl));
		esc(rn ? rn->key : "", rs, sizeof(rs));
		bprintf(&b, "kvmstat_la_events_total{%s,vcpu=\"%d\",event=\"%s\",reason=\"%s\"} %llu\n",
			vl, c->vcpu, ctx->prof.ev[c->event].name, rs, c->count);
	}
	if (s->has_latency) {
		family(&b, om, "kvmstat_la_exit_latency_seconds", "histogram",
		       "Exit handling latency (kind kernel, user round trip, total).");
		for (size_t i = 0; i < s->nlats; i++) {
			const struct ks_lat *l = &s->lats[i];
			const struct ks_reason_name *rn =
				ks_reason(&ctx->prof, ks_lat_reason_event(&ctx->prof, l->kind), l->reason);
			unsigned long long acc = 0, l2[KVMLA_LAT_LOG2_BUCKETS];
			char vl[320], lab[512], rs[80];

			vm_label(s, l->pid, vl, sizeof(vl));
			esc(rn ? rn->key : "", rs, sizeof(rs));
			snprintf(lab, sizeof(lab), "%s,vcpu=\"%d\",kind=\"%s\",reason=\"%s\"", vl, l->vcpu,
				 ks_lat_kind_name(l->kind), rs);
			/* every bucket, so that series sum by le */
			ks_lat_log2(l, l2);
			for (int k = 0; k < KVMLA_LAT_LOG2_BUCKETS; k++) {
				acc += l2[k];
				bprintf(&b, "kvmstat_la_exit_latency_seconds_bucket{%s,le=\"%.9g\"} %llu\n",
					lab, (double)(2ULL << k) / 1e9, acc);
			}
			bprintf(&b, "kvmstat_la_exit_latency_seconds_bucket{%s,le=\"+Inf\"} %llu\n", lab, l->count);
			bprintf(&b, "kvmstat_la_exit_latency_seconds_count{%s} %llu\n", lab, l->count);
			bprintf(&b, "kvmstat_la_exit_latency_seconds_sum{%s} %.9f\n", lab, l->sum_ns / 1e9);
		}
	}
	family(&b, om, "kvmstat_la_retired_vms", "counter",
	       "VMs dead for --keep-dead seconds: their series left, their counts are in pid=\"retired\".");
	bprintf(&b, "kvmstat_la_retired_vms_total %llu\n", s->retired_vms);
	family(&b, om, "kvmstat_la_dropped_updates", "counter",
	       "In-kernel updates lost (map full or unreadable field).");
	static const char *const dn[KS_DROP_SLOTS] = { "counts", "latency", "threads", "reads" };

	for (int k = 0; k < KS_DROP_SLOTS; k++)
		bprintf(&b, "kvmstat_la_dropped_updates_total{map=\"%s\"} %llu\n", dn[k], s->drops[k]);
	if (om)
		bprintf(&b, "# EOF\n");
	*out = b;
}

void ks_metrics_update(struct ks_ctx *ctx, const struct ks_snapshot *s)
{
	struct buf b[2];

	for (int om = 0; om < 2; om++)
		render(ctx, s, om, &b[om]);
	pthread_mutex_lock(&page_lock);
	for (int om = 0; om < 2; om++) {
		free(page[om]);
		page[om] = b[om].p;
		page_len[om] = b[om].n;
	}
	pthread_mutex_unlock(&page_lock);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **state)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned int status = MHD_HTTP_OK;

	(void)cls; (void)version; (void)upload; (void)upload_size; (void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		static const char m[] = "method not allowed\n";

		r = MHD_create_response_from_buffer(sizeof(m) - 1, (void *)m, MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (strcmp(url, "/metrics")) {
		static const char m[] = "not found: try /metrics\n";

		r = MHD_create_response_from_buffer(sizeof(m) - 1, (void *)m, MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	} else {
		const char *acc = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
		int om = acc && strstr(acc, "application/openmetrics-text");

		pthread_mutex_lock(&page_lock);
		if (page[om])
			r = MHD_create_response_from_buffer(page_len[om], page[om], MHD_RESPMEM_MUST_COPY);
		else
			r = MHD_create_response_from_buffer(om ? 6 : 0, om ? "# EOF\n" : "",
							    MHD_RESPMEM_MUST_COPY);
		pthread_mutex_unlock(&page_lock);
		MHD_add_response_header(r, "Content-Type", om ?
					"application/openmetrics-text; version=1.0.0; charset=utf-8" :
					"text/plain; version=0.0.4; charset=utf-8");
	}
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

const char *ks_listen_parse(const char *spec, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	char *end;
	long port;

	*sin = (struct sockaddr_in){ .sin_family = AF_INET };
	if (!colon || (size_t)(colon - spec) >= sizeof(host))
		return "ADDR:PORT";
	memcpy(host, spec, colon - spec);
	host[colon - spec] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535 ||
	    inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sin->sin_addr) != 1)
		return "IPv4-ADDR:PORT";
	sin->sin_port = htons((unsigned short)port);
	return NULL;
}

int ks_metrics_start(const char *spec)
{
	struct sockaddr_in sin;
	const char *want = ks_listen_parse(spec, &sin);

	if (want) {	/* checked with the options already */
		kvmla_err("--listen: '%s' is not %s", spec, want);
		return -1;
	}
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
				   ntohs(sin.sin_port), NULL, NULL, handler, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin, MHD_OPTION_END);
	if (!daemon_) {
		kvmla_err("--listen: cannot serve on %s (address in use?)", spec);
		return -1;
	}
	return 0;
}

void ks_metrics_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	pthread_mutex_lock(&page_lock);
	for (int om = 0; om < 2; om++) {
		free(page[om]);
		page[om] = NULL;
	}
	pthread_mutex_unlock(&page_lock);
}
