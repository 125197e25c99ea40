// SPDX-License-Identifier: GPL-2.0
/*
 * trace-viewer: offline analysis of recorded KVM traces.
 *
 *   trace-viewer [report] [options] FILE    text report (default), --json, --html FILE,
 *                                           --perfetto FILE
 *   trace-viewer view [options] FILE        ncurses timeline browser
 *   trace-viewer record [options] [-- CMD]  record KVM events into a trace.dat
 *   trace-viewer import DIR [-o FILE]       a tracefs snapshot into a trace.dat
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kvmla-tools.h"
#include "trace-viewer.h"

static const char usage_text[] =
"Usage: trace-viewer [report] [OPTIONS] FILE\n"
"       trace-viewer view [OPTIONS] FILE\n"
"       trace-viewer record [-e EVENT]... [-d SEC] [-b KB] [-p PID] [-o FILE] [-- CMD [ARG]...]\n"
"       trace-viewer import DIR [-o FILE] [-q]\n"
"\n"
"Analyses a trace.dat (v6/v7, compressed or not) of KVM events: exits by reason,\n"
"vCPU and VM, exit latency (in-kernel vs userspace round trip), vCPU state\n"
"timeline, CSR/MSR trap matrix, GPA faults, TLB/VPID churn, interrupt latency.\n"
"\n"
"Report and view options:\n"
"      --json            JSON to stdout (schema trace-viewer v1)\n"
"      --html FILE       write a self-contained HTML report to FILE\n"
"      --perfetto FILE   write the trace as Trace Event Format JSON to FILE (for the\n"
"                        Perfetto UI, chrome://tracing): a process per VM, a track\n"
"                        per vCPU with state and exit slices, interrupt and timer\n"
"                        instants, an exit-rate counter per VM.  With --html and\n"
"                        --json each output is written; alone, no text report\n"
"      --from T          analyse from T after the first event (e.g. 1.5s, 200ms, 10us, 500ns)\n"
"      --to T            analyse up to T after the first event\n"
"      --vm PID|NAME     only this VM (process id or name from the recording)\n"
"      --vcpu N          only vCPU N (vcpu_id)\n"
"      --tid TID         only this vCPU thread\n"
"      --slow T          slow-exit threshold for the viewer (default 100us)\n"
"      --top N           rows in the slowest-exits list (default 10)\n"
"      --exact-samples N exit latencies kept for exact percentiles (default 16777216,\n"
"                        8 bytes each); beyond, or with 0, percentiles come from\n"
"                        log-linear histograms (within 3.125%)\n"
"      --progress        progress on stderr (default: when stderr is a terminal)\n"
"  -q, --quiet           no progress\n"
"\n"
"Record options:\n"
"  -e, --event E         event to record: SYSTEM or SYSTEM:EVENT (repeatable; default kvm)\n"
"  -d, --duration SEC    stop after SEC seconds (default: when CMD exits, or on SIGINT)\n"
"  -b, --buffer-kb KB    ring buffer size per CPU (default 16384)\n"
"  -p, --pid PID         only events of PID and its children\n"
"  -o, --output FILE     output trace.dat (default trace.dat)\n"
"  -- CMD [ARG]...       run CMD and record while it runs (only its events)\n"
"\n"
"Import (DIR: a copy of tracefs: events/header_page, events/header_event,\n"
"events/SYSTEM/EVENT/format, per_cpu/cpuN/trace_pipe_raw; optional saved_cmdlines,\n"
"printk_formats, trace_clock):\n"
"  -o, --output FILE     output trace.dat (default trace.dat; replaced only on success)\n"
"  -q, --quiet           no summary line\n"
"\n"
"  -h, --help            this help;  -V, --version  the version\n"
"\n" KVMLA_BUG_REPORT;

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static bool json_mode;

/* errors in the tools' one voice (tools/lib/voice.c): one line, {"error"} with --json */
#define bad_usage(...)	kvmla_fail(KVMLA_EXIT_USAGE, __VA_ARGS__)	/* exit 2 */
#define fail(...)	kvmla_fail(KVMLA_EXIT_FAILURE, __VA_ARGS__)	/* exit 1 */

/* "1.5s", "200ms", "10us", "500ns", "3" (seconds) */
static int parse_time(const char *s, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || v > 1e12)
		return -1;
	if (!*end || !strcmp(end, "s"))
		v *= 1e9;
	else if (!strcmp(end, "ms"))
		v *= 1e6;
	else if (!strcmp(end, "us"))
		v *= 1e3;
	else if (strcmp(end, "ns"))
		return -1;
	*ns = (uint64_t)(v + 0.5);
	return 0;
}

static int parse_uint(const char *s, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

struct progress { struct timespec start; uint64_t size; bool on; };

static void progress_cb(uint64_t done, uint64_t off, void *arg)
{
	struct progress *p = arg;
	struct timespec now;
	double el;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = (now.tv_sec - p->start.tv_sec) + (now.tv_nsec - p->start.tv_nsec) / 1e9;
	fprintf(stderr, "\rtrace-viewer: %" PRIu64 " events, ~%3.0f%% of the file, %.1fs",
		done, p->size ? 100.0 * off / p->size : 0.0, el);
}

enum { O_JSON = 256, O_HTML, O_PERFETTO, O_FROM, O_TO, O_VM, O_VCPU, O_TID, O_SLOW, O_TOP, O_EXACT, O_PROGRESS };

/* report and view: what the command line asked for */
struct report_args {
	struct tv_opts o;
	const char *html, *perfetto, *path;
	struct progress prog;
	bool view;
};

#define GO_ON (-1)	/* report_option()/report_parse(): no exit status yet */

/* one option of report/view; GO_ON, or the exit status */
static int report_option(int c, const char *arg, struct report_args *ra)
{
	struct tv_opts *o = &ra->o;
	long long v;

	switch (c) {
	case O_JSON: json_mode = true; kvmla_err_json(true); break;
	case O_HTML: ra->html = arg; break;
	case O_PERFETTO:
		if (!*arg)
			return bad_usage("--perfetto: empty file name");
		ra->perfetto = arg;
		break;
	case O_FROM:
		if (parse_time(arg, &o->from_ns))
			return bad_usage("--from: bad time '%s' (e.g. 1.5s, 200ms, 10us)", arg);
		break;
	case O_TO:
		if (parse_time(arg, &o->to_ns) || !o->to_ns)
			return bad_usage("--to: bad time '%s' (e.g. 1.5s, 200ms, 10us)", arg);
		break;
	case O_VM:
		if (parse_uint(arg, 0x7fffffff, &v) == 0)
			o->vm = v;
		else if (strlen(arg) < sizeof(o->vm_name))
			snprintf(o->vm_name, sizeof(o->vm_name), "%s", arg);
		else
			return bad_usage("--vm: name too long");
		break;
	case O_VCPU:
		if (parse_uint(arg, 0xfffffffe, &v))
			return bad_usage("--vcpu: bad vCPU id '%s'", arg);
		o->vcpu = v;
		break;
	case O_TID:
		if (parse_uint(arg, 0x7fffffff, &v))
			return bad_usage("--tid: bad thread id '%s'", arg);
		o->tid = v;
		break;
	case O_SLOW:
		if (parse_time(arg, &o->slow_ns))
			return bad_usage("--slow: bad time '%s'", arg);
		break;
	case O_TOP:
		if (parse_uint(arg, 64, &v))
			return bad_usage("--top: expected 0..64, got '%s'", arg);
		o->top = (unsigned int)v;
		break;
	case O_EXACT:
		if (parse_uint(arg, 1ll << 32, &v))
			return bad_usage("--exact-samples: expected 0..4294967296, got '%s'", arg);
		o->exact_samples = (uint64_t)v;
		break;
	case O_PROGRESS: ra->prog.on = true; break;
	case 'q': ra->prog.on = false; break;
	case 'h': usage(stdout); return 0;
	case 'V': printf("trace-viewer %s\n", TV_VERSION); return 0;
	default:
		return -2;	/* getopt's error: the caller names the option */
	}
	return GO_ON;
}

/* the options and the one trace file; GO_ON, or the exit status */
static int report_parse(int argc, char **argv, struct report_args *ra)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "html", required_argument, NULL, O_HTML },
		{ "perfetto", required_argument, NULL, O_PERFETTO },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "vm", required_argument, NULL, O_VM },
		{ "vcpu", required_argument, NULL, O_VCPU },
		{ "tid", required_argument, NULL, O_TID },
		{ "slow", required_argument, NULL, O_SLOW },
		{ "top", required_argument, NULL, O_TOP },
		{ "exact-samples", required_argument, NULL, O_EXACT },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	for (int i = 1; i < argc; i++)	/* JSON errors need to know early */
		if (!strcmp(argv[i], "--json"))
			json_mode = true;
	kvmla_err_json(json_mode);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qhV", lo, NULL)) != -1) {
		rc = report_option(c, optarg, ra);
		if (rc == -2 && optopt && optopt < 256)
			return bad_usage("unknown or incomplete option '-%c' (see --help)", optopt);
		if (rc == -2)
			return bad_usage("unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
		if (rc != GO_ON)
			return rc;
	}
	if (ra->o.to_ns && ra->o.to_ns <= ra->o.from_ns)
		return bad_usage("--to must be after --from");
	if (ra->perfetto && ra->view)
		return bad_usage("--perfetto: not with view (use trace-viewer --perfetto FILE TRACE)");
	if (ra->perfetto && ra->html && !strcmp(ra->perfetto, ra->html))
		return bad_usage("--perfetto and --html name the same file '%s'", ra->html);
	if (optind != argc - 1)
		return bad_usage(optind == argc ? "no trace file given (see --help)"
						: "exactly one trace file expected (see --help)");
	ra->path = argv[optind];
	return GO_ON;
}

/* every record of the file through the analysis; 0 or the exit status */
static int report_analyse(struct report_args *ra, struct tv_reader *rd, struct tv_analysis *an)
{
	struct progress *prog = &ra->prog;
	int c;

	tv_an_init(an, &ra->o, tv_reader_profile(rd));
	prog->size = tv_reader_file_size(rd);
	prog->on = prog->on && prog->size > (16u << 20) && !ra->view;
	clock_gettime(CLOCK_MONOTONIC, &prog->start);
	c = tv_reader_run(rd, an, progress_cb, prog);
	if (c == -EINVAL)
		return fail("%s: corrupt ring-buffer page (an event crosses its page)", ra->path);
	if (c && c != -ENOMEM)
		return fail("%s: read error (%s)", ra->path, strerror(-c));
	if (c || tv_an_finish(an))
		return fail("%s: out of memory while analysing", ra->path);
	if (prog->on) {
		progress_cb(an->nr_records, prog->size, prog);
		fputc('\n', stderr);
	}
	if (ra->o.vm_name[0] && an->opts.vm < 0)
		return fail("--vm: no VM named '%s' in %s", ra->o.vm_name, ra->path);
	if (an->cut.on)	/* one line, whatever the output; the exit status stays 0 */
		fprintf(stderr, "trace-viewer: warning: %s is cut short at byte %" PRIu64
			" (%u CPUs lost data): analysed the %" PRIu64 " complete records before the cut\n",
			ra->path, an->cut.at, an->cut.ncpus, an->nr_records);
	return 0;
}

/*
 * The Trace Event file: the records are read a second time (a fresh reader,
 * so that compressed files are read from their start), with the options as
 * they were given.
 */
static int report_perfetto(struct report_args *ra, const struct tv_opts *given,
			   struct tv_analysis *an)
{
	struct tv_reader *rd;
	char err[256];
	FILE *f;
	int rc;

	f = fopen(ra->perfetto, "w");
	if (!f)
		return fail("%s: %s", ra->perfetto, strerror(errno));
	rd = tv_reader_open(ra->path, err, sizeof(err));
	if (!rd) {
		fclose(f);
		return fail("%s", err);
	}
	rc = tv_report_perfetto(f, an, rd, given, err, sizeof(err));
	tv_reader_close(rd);
	if (rc) {
		fclose(f);
		return fail("%s: %s", ra->perfetto, err);
	}
	if (ferror(f) | fclose(f))
		return fail("%s: write failed", ra->perfetto);
	return 0;
}

/* the viewer, or the HTML and Trace Event files and the text or JSON report */
static int report_output(struct report_args *ra, const struct tv_opts *given, struct tv_analysis *an)
{
	int rc = 0;

	if (ra->view)
		return tv_tui_run(an, ra->path) ? 1 : 0;
	if (ra->perfetto && (rc = report_perfetto(ra, given, an)))
		return rc;
	if (ra->html) {
		FILE *f = fopen(ra->html, "w");

		if (!f)
			return fail("%s: %s", ra->html, strerror(errno));
		if (tv_report_html(f, an, ra->path) | fclose(f))
			return fail("%s: write failed", ra->html);
	}
	if (json_mode)
		rc = tv_report_json(stdout, an, ra->path) ? 1 : 0;
	else if (!ra->html && !ra->perfetto)
		rc = tv_report_text(stdout, an, ra->path) ? 1 : 0;
	if (fflush(stdout))
		rc = fail("writing the report: %s", strerror(errno));
	return rc;
}

static int cmd_report(int argc, char **argv, bool view)
{
	struct report_args ra = { .prog = { .on = isatty(2) }, .view = view };
	struct tv_opts given;
	struct tv_analysis *an;
	struct tv_reader *rd;
	char err[256];
	int rc;

	tv_opts_default(&ra.o);
	rc = report_parse(argc, argv, &ra);
	if (rc != GO_ON)
		return rc;
	if (view)
		ra.o.keep_records = true;
	given = ra.o;
	if (ra.html)	/* the page's timeline; not for the --perfetto pass over given */
		ra.o.fine_timeline = true;
	rd = tv_reader_open(ra.path, err, sizeof(err));
	if (!rd)
		return fail("%s", err);
	an = kvmla_xmalloc(sizeof(*an));
	rc = report_analyse(&ra, rd, an);
	if (!rc)
		rc = report_output(&ra, &given, an);
	tv_an_free(an);
	free(an);
	tv_reader_close(rd);
	return rc;
}

static int cmd_record(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'd' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "pid", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tv_record_opts o = { .output = "trace.dat", .buffer_kb = 16384 };
	const char *events[64];
	long long v;
	char *end;
	int c;

	o.events = events;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+e:d:b:p:o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (o.nr_events == 64)
				return bad_usage("record: too many -e");
			if (!*optarg || strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789_:*") !=
			    strlen(optarg))
				return bad_usage("record: bad event '%s' (SYSTEM or SYSTEM:EVENT)", optarg);
			events[o.nr_events++] = optarg;
			break;
		case 'd':
			errno = 0;
			o.duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || o.duration <= 0 || o.duration > 86400)
				return bad_usage("record: bad duration '%s' (seconds, > 0)", optarg);
			break;
		case 'b':
			if (parse_uint(optarg, 4 << 20, &v) || v < 4)
				return bad_usage("record: bad buffer size '%s' (KB per CPU, >= 4)", optarg);
			o.buffer_kb = (unsigned int)v;
			break;
		case 'p':
			if (parse_uint(optarg, 0x7fffffff, &v) || !v)
				return bad_usage("record: bad pid '%s'", optarg);
			o.pid = (int)v;
			break;
		case 'o': o.output = optarg; break;
		case 'q': o.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default:
			if (optopt && optopt < 256)
				return bad_usage("record: unknown or incomplete option '-%c' (see --help)", optopt);
			return bad_usage("record: unknown or incomplete option '%s' (see --help)",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		o.cmd = argv + optind;	/* after "--" (a bare command is accepted too) */
	if (o.pid && o.cmd)
		return bad_usage("record: give either --pid or a command, not both");
	return tv_record(&o) ? 1 : 0;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tv_import_opts o = { .output = "trace.dat" };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return bad_usage("import: empty output file name");
			o.output = optarg;
			break;
		case 'q': o.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default:
			if (optopt && optopt < 256)
				return bad_usage("import: unknown or incomplete option '-%c' (see --help)", optopt);
			return bad_usage("import: unknown or incomplete option '%s' (see --help)",
				    argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return bad_usage(optind == argc ? "import: no snapshot directory given (see --help)"
						: "import: exactly one snapshot directory expected (see --help)");
	o.dir = argv[optind];
	return tv_import(&o);
}

int main(int argc, char **argv)
{
	kvmla_err_setup("trace-viewer", false);
	if (argc < 2)
		return bad_usage("no trace file given (see --help)");
	if (!strcmp(argv[1], "record"))
		return cmd_record(argc - 1, argv + 1);
	if (!strcmp(argv[1], "import"))
		return cmd_import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "view"))
		return cmd_report(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1, false);
	return cmd_report(argc, argv, false);
}
