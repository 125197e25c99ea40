// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla-vmm: a tiny VMM on /dev/kvm (x86) whose guests cause exactly known
 * exits, so tools and tests can check the numbers they report.  See
 * docs/vmm.md for the interface.
 *
 * The parent parses the options, then starts each VM as its own process:
 * fork, then re-exec of this binary with "-name NAME-i --vm-child I:FD"
 * first in argv, so /proc/PID/cmdline reads like QEMU's.  Each VM process
 * runs its vCPU threads ("CPU n/KVM"), sends its counts back over a pipe,
 * and the parent prints one JSON document.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "kvmla-tools.h"

#define VMM_VERSION	"1.0"
#define VMM_MAX_VMS	256
#define LOOP_TICK_MS	2000

_Static_assert(offsetof(struct guest_ctl, count) == CTL_COUNT_OFF(0), "ctl");
_Static_assert(offsetof(struct guest_ctl, cpuid_lo) == CTL_CPUID_OFF, "ctl");
_Static_assert(sizeof(struct guest_ctl) <= GUEST_CTL_SIZE, "ctl");

static const char *const kind_key[NKINDS] = {
#define X(id, key, flag, what) key,
	VMM_KINDS(X)
#undef X
};

/* KVM_RUN returns as seen by the VMM, by kvm_run->exit_reason. */
#define VMM_UEXITS(X)					\
	X(IO,       "io",       KVM_EXIT_IO)		\
	X(MMIO,     "mmio",     KVM_EXIT_MMIO)		\
	X(HLT,      "hlt",      KVM_EXIT_HLT)		\
	X(SHUTDOWN, "shutdown", KVM_EXIT_SHUTDOWN)	\
	X(INTR,     "intr",     KVM_EXIT_INTR)

enum vmm_uexit {
#define X(id, key, reason) U_##id,
	VMM_UEXITS(X)
#undef X
	NUEXITS
};

static const char *const uexit_key[NUEXITS] = {
#define X(id, key, reason) key,
	VMM_UEXITS(X)
#undef X
};

struct opts {
	unsigned int vms, vcpus;
	const char *name;
	uint32_t count[NKINDS];
	unsigned int delay_us;
	uint32_t phases;
	int loop;
	unsigned int start_delay_ms, hold_ms, duration_ms;
	const char *json;
	const char *samples;	/* --samples PREFIX */
	unsigned int vm_index;	/* in a VM process: its i of NAME-i */
};

/* What a VM process sends its parent: a header, then nvcpus results. */
/* One cumulative counter of the vCPU's binary stats (KVM_GET_STATS_FD). */
#define KSTATS_MAX 96
struct kstat {
	char name[48];
	uint64_t val;
};

struct vcpu_result {
	int32_t vcpu_id;
	int32_t tid;
	uint64_t exits[NKINDS];
	uint64_t uexits[NUEXITS];
	int32_t nkstats;	/* counters below; 0 without stats fds */
	struct kstat kstats[KSTATS_MAX];	/* deltas over the run */
};

#define RESULT_MAGIC 0x6b766d31u	/* "kvm1" */
struct vm_result {
	uint32_t magic;
	int32_t pid;
	int32_t nvcpus;
	int32_t failed;
	char err[256];
};

static const char *prog = "kvmla-vmm";

/* ---- options ---------------------------------------------------------- */

#define SAMPLE_EVERY 1024	/* --samples: KVM_RUN returns per line */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [options]\n"
"Runs KVM guests (x86 /dev/kvm) that cause exactly the exits asked for, and\n"
"prints what they caused as JSON.  Counts are per vCPU and per phase.\n"
"\n"
"  -m, --vms M            VMs to start, each its own process (default 1)\n"
"  -c, --vcpus V          vCPUs per VM, threads \"CPU n/KVM\" (default 1)\n"
"  -n, --name NAME        VM name prefix; VM i is NAME-i (default kvmla-vm)\n"
"      --pio-out N        port-I/O OUT exits (port 0x3f8)\n"
"      --pio-in N         port-I/O IN exits (port 0x3f9)\n"
"      --mmio-write N     MMIO write exits (GPA 0xd0000000, unbacked)\n"
"      --mmio-read N      MMIO read exits (GPA 0xd0000008, unbacked)\n"
"      --hlt N            HLT exits (no in-kernel irqchip: exits to userspace)\n"
"      --cpuid N          CPUID exits, handled in the kernel (no userspace exit)\n"
"      --delay-us U       busy-wait U us in userspace after each exit\n"
"      --phases P         repeat the mix P times, rotating the kind order\n"
"      --loop             run until SIGINT/SIGTERM, mix changing every ~2 s\n"
"      --start-delay MS   wait MS ms after creating the vCPUs, before running\n"
"      --hold MS          keep the VM processes alive MS ms after the guests end\n"
"      --duration MS      stop the guests after MS ms: the end of a --loop run\n"
"                         (exit 0), else a timeout (exit 1)\n"
"      --json FILE        write the result JSON to FILE (\"-\": stdout, default)\n"
"      --samples PREFIX   each vCPU writes PREFIX.I.V (VM i, vCPU v) as it runs:\n"
"                         \"MONO_NS CPU_NS RUNS\" at the start, every %u KVM_RUN\n"
"                         returns and at the end (CLOCK_MONOTONIC, the thread's\n"
"                         CPU time, the returns so far), for benches\n"
"  -h, --help             this help\n"
"      --version          print the version\n"
"Exit status: 0 every vCPU ran its exact mix; 1 runtime failure; 2 bad usage.\n"
"Report bugs: see README.md of the kvmla source, section \"Reporting bugs\".\n",
		prog, SAMPLE_EVERY);
}

static __attribute__((noreturn, format(printf, 1, 2)))
void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	exit(2);
}

static uint32_t parse_u32(const char *flag, const char *s, uint32_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		die_usage("%s: '%s' is not a number", flag, s ? s : "");
	v = strtoull(s, &end, 10);
	if (*end)
		die_usage("%s: '%s' is not a number", flag, s);
	if (errno == ERANGE || v > max)
		die_usage("%s: %s is out of range (max %u)", flag, s, max);
	return (uint32_t)v;
}

enum {
	O_PIO_OUT = 256, O_PIO_IN, O_MMIO_WRITE, O_MMIO_READ, O_HLT, O_CPUID,
	O_DELAY, O_PHASES, O_LOOP, O_START_DELAY, O_HOLD, O_DURATION, O_JSON, O_SAMPLES,
	O_VERSION,
};

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "vms",         required_argument, NULL, 'm' },
		{ "vcpus",       required_argument, NULL, 'c' },
		{ "name",        required_argument, NULL, 'n' },
		{ "pio-out",     required_argument, NULL, O_PIO_OUT },
		{ "pio-in",      required_argument, NULL, O_PIO_IN },
		{ "mmio-write",  required_argument, NULL, O_MMIO_WRITE },
		{ "mmio-read",   required_argument, NULL, O_MMIO_READ },
		{ "hlt",         required_argument, NULL, O_HLT },
		{ "cpuid",       required_argument, NULL, O_CPUID },
		{ "delay-us",    required_argument, NULL, O_DELAY },
		{ "phases",      required_argument, NULL, O_PHASES },
		{ "loop",        no_argument,       NULL, O_LOOP },
		{ "start-delay", required_argument, NULL, O_START_DELAY },
		{ "hold",        required_argument, NULL, O_HOLD },
		{ "duration",    required_argument, NULL, O_DURATION },
		{ "json",        required_argument, NULL, O_JSON },
		{ "samples",     required_argument, NULL, O_SAMPLES },
		{ "help",        no_argument,       NULL, 'h' },
		{ "version",     no_argument,       NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const flag_name[NKINDS] = {
#define X(id, key, flag, what) flag,
		VMM_KINDS(X)
#undef X
	};
	int c, li;

	memset(o, 0, sizeof(*o));
	o->vms = 1;
	o->vcpus = 1;
	o->name = "kvmla-vm";
	o->phases = 1;
	o->json = "-";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":m:c:n:h", lopts, &li)) != -1) {
		const char *flag = optind > 0 && optind <= argc ?
				   argv[optind - 1] : "?";

		switch (c) {
		case 'm': o->vms = parse_u32("--vms", optarg, VMM_MAX_VMS); break;
		case 'c': o->vcpus = parse_u32("--vcpus", optarg, VMM_MAX_VCPUS); break;
		case 'n': o->name = optarg; break;
		case O_PIO_OUT: case O_PIO_IN: case O_MMIO_WRITE:
		case O_MMIO_READ: case O_HLT: case O_CPUID:
			o->count[c - O_PIO_OUT] = parse_u32(flag_name[c - O_PIO_OUT],
							    optarg, UINT32_MAX);
			break;
		case O_DELAY: o->delay_us = parse_u32("--delay-us", optarg, 10000000); break;
		case O_PHASES: o->phases = parse_u32("--phases", optarg, UINT32_MAX); break;
		case O_LOOP: o->loop = 1; break;
		case O_START_DELAY:
			o->start_delay_ms = parse_u32("--start-delay", optarg, 3600000);
			break;
		case O_HOLD: o->hold_ms = parse_u32("--hold", optarg, 3600000); break;
		case O_DURATION:
			o->duration_ms = parse_u32("--duration", optarg, UINT32_MAX);
			if (!o->duration_ms)
				die_usage("--duration: must be at least 1");
			break;
		case O_JSON: o->json = optarg; break;
		case O_SAMPLES: o->samples = optarg; break;
		case 'h': usage(stdout); exit(0);
		case O_VERSION: printf("%s %s\n", prog, VMM_VERSION); exit(0);
		case ':': die_usage("option '%s' needs a value", flag);
		default:
			if (optopt && optopt < 256)
				die_usage("unknown option '-%c'", optopt);
			die_usage("unknown option '%s'", flag);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (o->vms < 1)
		die_usage("--vms: must be at least 1");
	if (o->vcpus < 1)
		die_usage("--vcpus: must be at least 1");
	if (!*o->name || strlen(o->name) > 64)
		die_usage("--name: must be 1 to 64 characters");
	if (!*o->json)
		die_usage("--json: empty file name");
	if (o->samples && !*o->samples)
		die_usage("--samples: empty file name");
}

/* ---- small helpers ------------------------------------------------------ */

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}

static void busy_wait_us(unsigned int us)
{
	uint64_t end = now_ns() + (uint64_t)us * 1000;

	while (now_ns() < end)
		;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads exactly n bytes; returns n, or less at EOF, or -1. */
static ssize_t read_all(int fd, void *p, size_t n)
{
	char *c = p;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, c + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* ---- one VM process ----------------------------------------------------- */

struct vm;

struct vcpu {
	struct vm *vm;
	int id, fd;
	int stats_fd;		/* KVM_GET_STATS_FD, held like QEMU's query-stats */
	struct kvm_run *run;
	struct guest_ctl *ctl;
	pthread_t thread;
	struct vcpu_result res;
	FILE *samples;		/* --samples: this vCPU's file */
	uint64_t runs;		/* KVM_RUN returns */
	int failed;
	char err[200];
};

struct vm {
	const struct opts *o;
	int kvm, fd;
	int stats_fd;		/* KVM_GET_STATS_FD of the VM (-1 if refused) */
	uint8_t *mem;
	size_t run_size;
	struct vcpu *vcpus;
	pthread_barrier_t barrier;
	pthread_t main_thread;
	volatile int stop;
	int finished;		/* vCPU threads done (atomic) */
};

static void vcpu_fail(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	if (v->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
	v->failed = 1;
}

static void kick_handler(int sig)
{
	(void)sig;
}

/*
 * Accounts one KVM_RUN return.  Returns 1 when the vCPU is finished,
 * -1 on an unexpected exit, 0 to re-enter.
 */
static int vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct vcpu_result *r = &v->res;

	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		uint8_t *data = (uint8_t *)run + run->io.data_offset;

		r->uexits[U_IO]++;
		if (run->io.size != 1 || run->io.count != 1) {
			vcpu_fail(v, "vcpu %d: unexpected port I/O size %u count %u",
				  v->id, run->io.size, run->io.count);
			return -1;
		}
		if (run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.port == GUEST_PORT_OUT) {
			r->exits[K_IO_OUT]++;
		} else if (run->io.direction == KVM_EXIT_IO_IN &&
			   run->io.port == GUEST_PORT_IN) {
			r->exits[K_IO_IN]++;
			*data = 0x5a;
		} else {
			vcpu_fail(v, "vcpu %d: unexpected port I/O %s 0x%x", v->id,
				  run->io.direction == KVM_EXIT_IO_IN ? "in" : "out",
				  run->io.port);
			return -1;
		}
		return 0;
	}
	case KVM_EXIT_MMIO:
		r->uexits[U_MMIO]++;
		if (run->mmio.is_write &&
		    run->mmio.phys_addr == GUEST_MMIO_WRITE_GPA) {
			r->exits[K_MMIO_WRITE]++;
		} else if (!run->mmio.is_write &&
			   run->mmio.phys_addr == GUEST_MMIO_READ_GPA) {
			r->exits[K_MMIO_READ]++;
			memset(run->mmio.data, 0x5a, sizeof(run->mmio.data));
		} else {
			vcpu_fail(v, "vcpu %d: unexpected MMIO %s at 0x%llx", v->id,
				  run->mmio.is_write ? "write" : "read",
				  (unsigned long long)run->mmio.phys_addr);
			return -1;
		}
		return 0;
	case KVM_EXIT_HLT:
		r->uexits[U_HLT]++;
		r->exits[K_HLT]++;
		return 0;
	case KVM_EXIT_SHUTDOWN:
		r->uexits[U_SHUTDOWN]++;
		if (!v->vm->o->loop && v->ctl->phases == 0)
			return 1;	/* the guest's UD2: done */
		vcpu_fail(v, "vcpu %d: unexpected shutdown (triple fault)", v->id);
		return -1;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_fail(v, "vcpu %d: KVM_EXIT_FAIL_ENTRY, reason 0x%llx", v->id,
			  (unsigned long long)
			  run->fail_entry.hardware_entry_failure_reason);
		return -1;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_fail(v, "vcpu %d: KVM_EXIT_INTERNAL_ERROR, suberror %u",
			  v->id, run->internal.suberror);
		return -1;
	default:
		vcpu_fail(v, "vcpu %d: unexpected exit reason %u", v->id,
			  run->exit_reason);
		return -1;
	}
}

/*
 * Reads the cumulative, single-value counters of a binary stats fd into
 * ks (at most KSTATS_MAX).  Returns how many, or -1.
 */
static int kstats_read(int fd, struct kstat *ks)
{
	struct kvm_stats_header h;
	size_t dsz;
	char *descs;
	int n = 0;

	if (fd < 0 || pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return -1;
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(dsz * h.num_desc);
	if (!descs)
		return -1;
	if (pread(fd, descs, dsz * h.num_desc, h.desc_offset) !=
	    (ssize_t)(dsz * h.num_desc)) {
		free(descs);
		return -1;
	}
	for (uint32_t i = 0; i < h.num_desc && n < KSTATS_MAX; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * dsz);

		if ((d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE ||
		    d->size != 1)
			continue;
		if (pread(fd, &ks[n].val, 8, h.data_offset + d->offset) != 8)
			break;
		snprintf(ks[n].name, sizeof(ks[n].name), "%s", d->name);
		n++;
	}
	free(descs);
	return n;
}

/* --samples: one line, "MONO_NS CPU_NS RUNS" */
static void vcpu_sample(struct vcpu *v)
{
	struct timespec cpu;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu))
		return;
	fprintf(v->samples, "%llu %llu %llu\n", (unsigned long long)now_ns(),
		(unsigned long long)cpu.tv_sec * 1000000000ull + (unsigned long long)cpu.tv_nsec,
		(unsigned long long)v->runs);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	char name[16];
	sigset_t set;
	int pending = 0;

	v->res.tid = gettid_();
	snprintf(name, sizeof(name), "CPU %d/KVM", v->id);
	pthread_setname_np(pthread_self(), name);
	/* The kick signal interrupts KVM_RUN; INT/TERM stay with main. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	pthread_barrier_wait(&vm->barrier);	/* created */
	pthread_barrier_wait(&vm->barrier);	/* go */
	/* The vCPU's own stats before the run; deltas after it (below). */
	v->res.nkstats = kstats_read(v->stats_fd, v->res.kstats);
	if (v->samples)
		vcpu_sample(v);

	while (!vm->stop) {
		int r = ioctl(v->fd, KVM_RUN, 0);

		v->runs++;
		if (v->samples && !(v->runs % SAMPLE_EVERY))
			vcpu_sample(v);
		pending = 0;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				v->res.uexits[U_INTR]++;
				continue;
			}
			vcpu_fail(v, "vcpu %d: KVM_RUN: %s", v->id, strerror(errno));
			break;
		}
		r = vcpu_handle_exit(v);
		if (r)
			break;
		pending = 1;
		if (vm->o->delay_us)
			busy_wait_us(vm->o->delay_us);
	}
	/*
	 * Stopped (--loop, or a signal) right after an I/O or MMIO exit: enter
	 * once more with immediate_exit set.  KVM completes the access (an
	 * IN's kvm_pio and a read's second kvm_mmio fire only then) and
	 * returns -EINTR without running the guest, so the host's
	 * tracepoints and our counts agree exactly.
	 */
	if (pending && !v->failed) {
		v->run->immediate_exit = 1;
		if (ioctl(v->fd, KVM_RUN, 0) < 0 && errno == EINTR)
			v->res.uexits[U_INTR]++;
		else
			vcpu_fail(v, "vcpu %d: final KVM_RUN did not return EINTR",
				  v->id);
	}
	if (v->samples) {
		vcpu_sample(v);
		if (fclose(v->samples))
			vcpu_fail(v, "vcpu %d: --samples: %s", v->id, strerror(errno));
		v->samples = NULL;
	}
	v->res.exits[K_CPUID] = (uint64_t)v->ctl->cpuid_hi << 32 |
				v->ctl->cpuid_lo;
	if (v->res.nkstats > 0) {
		struct kstat after[KSTATS_MAX];

		if (kstats_read(v->stats_fd, after) == v->res.nkstats)
			for (int i = 0; i < v->res.nkstats; i++)
				v->res.kstats[i].val = after[i].val -
						       v->res.kstats[i].val;
		else
			v->res.nkstats = 0;
	}
	if (v->res.nkstats < 0)
		v->res.nkstats = 0;
	__atomic_add_fetch(&vm->finished, 1, __ATOMIC_RELEASE);
	pthread_kill(vm->main_thread, SIGUSR2);
	return NULL;
}

static int vcpu_setup(struct vm *vm, struct vcpu *v, char *err, size_t errlen)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_segment seg = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10,
		.type = 3, .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0,
		.g = 1,
	};
	const struct opts *o = vm->o;

	if (o->samples) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s.%u.%d", o->samples, o->vm_index, v->id);
		v->samples = fopen(path, "w");
		if (!v->samples) {
			snprintf(err, errlen, "--samples: %.160s: %s", path, strerror(errno));
			return -1;
		}
	}
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)v->id);
	if (v->fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU %d: %s", v->id,
			 strerror(errno));
		return -1;
	}
	/*
	 * Hold the vCPU's binary stats fd, as QEMU does once stats are
	 * queried, so a monitor can read them (kvmstat-la -d via pidfd_getfd).
	 * Optional: older kernels lack it.
	 */
	v->stats_fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED) {
		snprintf(err, errlen, "mmap kvm_run: %s", strerror(errno));
		return -1;
	}
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(err, errlen, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	/* 32-bit flat protected mode; empty IDT (so UD2 triple-faults). */
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = seg;
	seg.selector = 0x08;
	seg.type = 11;
	sregs.cs = seg;
	sregs.cr0 |= 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0) {
		snprintf(err, errlen, "KVM_SET_SREGS: %s", strerror(errno));
		return -1;
	}
	v->ctl = (struct guest_ctl *)(vm->mem + GUEST_CTL_GPA +
				      (size_t)v->id * GUEST_CTL_SIZE);
	v->ctl->phases = o->phases;
	for (int k = 0; k < NKINDS; k++)
		v->ctl->count[k] = o->count[k];
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE_GPA;
	regs.rflags = 0x2;
	regs.rsi = GUEST_CTL_GPA + (uint64_t)v->id * GUEST_CTL_SIZE;
	regs.rsp = GUEST_CODE_GPA;
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0) {
		snprintf(err, errlen, "KVM_SET_REGS: %s", strerror(errno));
		return -1;
	}
	v->res.vcpu_id = v->id;
	v->vm = vm;
	return 0;
}

/* --loop: the mix per vCPU at tick t; every kind gets a turn at the top. */
static void loop_mix(struct vm *vm, unsigned int tick)
{
	static const uint32_t weight[NKINDS] = { 4, 2, 1, 0, 1, 2 };
	static const uint32_t dflt[NKINDS] = { 400, 200, 400, 200, 100, 200 };
	const struct opts *o = vm->o;
	const uint32_t *base = dflt;

	for (int k = 0; k < NKINDS; k++)
		if (o->count[k])
			base = o->count;
	for (unsigned int i = 0; i < o->vcpus; i++)
		for (int k = 0; k < NKINDS; k++) {
			uint64_t n = (uint64_t)base[k] *
				     weight[(k + tick + i) % NKINDS];

			vm->vcpus[i].ctl->count[k] =
				n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		}
}

/* Waits up to ms for INT/TERM (returns 1) or USR2 (returns 2); 0 on timeout. */
static int wait_signal(unsigned int ms)
{
	sigset_t set;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	int s;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	do
		s = sigtimedwait(&set, NULL, &ts);
	while (s < 0 && errno == EINTR);
	if (s == SIGINT || s == SIGTERM)
		return 1;
	return s == SIGUSR2 ? 2 : 0;
}

static void vm_stop(struct vm *vm)
{
	vm->stop = 1;
	for (unsigned int i = 0; i < vm->o->vcpus; i++)
		vm->vcpus[i].run->immediate_exit = 1;
	__sync_synchronize();
	for (unsigned int i = 0; i < vm->o->vcpus; i++)
		pthread_kill(vm->vcpus[i].thread, SIGUSR1);
}

static void vm_send(int fd, struct vm_result *hdr, struct vcpu *vcpus, int n)
{
	hdr->magic = RESULT_MAGIC;
	hdr->nvcpus = n;
	if (write_all(fd, hdr, sizeof(*hdr)))
		return;
	for (int i = 0; i < n; i++)
		if (write_all(fd, &vcpus[i].res, sizeof(vcpus[i].res)))
			return;
}

static void vm_cleanup(struct vm *vm)
{
	for (unsigned int i = 0; vm->vcpus && i < vm->o->vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->run && v->run != MAP_FAILED)
			munmap(v->run, vm->run_size);
		if (v->fd > 0)
			close(v->fd);
	}
	free(vm->vcpus);
	if (vm->mem && vm->mem != MAP_FAILED)
		munmap(vm->mem, GUEST_RAM_SIZE);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm >= 0)
		close(vm->kvm);
}

static int vm_main(const struct opts *o, int fd)
{
	struct vm vm = { .o = o, .kvm = -1, .fd = -1 };
	struct vm_result hdr = { .pid = getpid() };
	struct kvm_userspace_memory_region region;
	struct sigaction sa = { .sa_handler = kick_handler };
	unsigned int created = 0, finished = 0, tick = 0, interrupted = 0;
	uint64_t next_tick, start, end;
	unsigned int timed_out = 0;
	sigset_t set;
	int r;

	/* Only the main thread takes INT/TERM/USR2; vCPU threads take USR1. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	vm.main_thread = pthread_self();

	vm.vcpus = calloc(o->vcpus, sizeof(*vm.vcpus));
	if (!vm.vcpus) {
		snprintf(hdr.err, sizeof(hdr.err), "out of memory");
		goto out_fail;
	}
	vm.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm.kvm < 0) {
		snprintf(hdr.err, sizeof(hdr.err), "cannot open /dev/kvm: %s",
			 strerror(errno));
		goto out_fail;
	}
	r = ioctl(vm.kvm, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		snprintf(hdr.err, sizeof(hdr.err), "KVM API version %d, want %d",
			 r, KVM_API_VERSION);
		goto out_fail;
	}
	vm.fd = ioctl(vm.kvm, KVM_CREATE_VM, 0);
	if (vm.fd < 0) {
		snprintf(hdr.err, sizeof(hdr.err), "KVM_CREATE_VM: %s",
			 strerror(errno));
		goto out_fail;
	}
	vm.stats_fd = ioctl(vm.fd, KVM_GET_STATS_FD, NULL);	/* optional */
	vm.mem = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm.mem == MAP_FAILED) {
		snprintf(hdr.err, sizeof(hdr.err), "mmap guest RAM: %s",
			 strerror(errno));
		goto out_fail;
	}
	if (!guest_gen(vm.mem + GUEST_CODE_GPA, GUEST_CODE_MAX, o->loop)) {
		snprintf(hdr.err, sizeof(hdr.err), "guest code too large");
		goto out_fail;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_RAM_SIZE,
		.userspace_addr = (uintptr_t)vm.mem,
	};
	if (ioctl(vm.fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		snprintf(hdr.err, sizeof(hdr.err), "KVM_SET_USER_MEMORY_REGION: %s",
			 strerror(errno));
		goto out_fail;
	}
	r = ioctl(vm.kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r <= 0) {
		snprintf(hdr.err, sizeof(hdr.err), "KVM_GET_VCPU_MMAP_SIZE: %s",
			 strerror(errno));
		goto out_fail;
	}
	vm.run_size = (size_t)r;
	for (unsigned int i = 0; i < o->vcpus; i++) {
		vm.vcpus[i].id = (int)i;
		if (vcpu_setup(&vm, &vm.vcpus[i], hdr.err, sizeof(hdr.err)))
			goto out_fail;
	}
	if (o->loop)
		loop_mix(&vm, tick);

	pthread_barrier_init(&vm.barrier, NULL, o->vcpus + 1);
	for (; created < o->vcpus; created++) {
		r = pthread_create(&vm.vcpus[created].thread, NULL, vcpu_thread,
				   &vm.vcpus[created]);
		if (r) {
			snprintf(hdr.err, sizeof(hdr.err), "pthread_create: %s",
				 strerror(r));
			/* Nobody can pass the barrier now; give up hard. */
			hdr.failed = 1;
			vm_send(fd, &hdr, vm.vcpus, 0);
			_exit(1);
		}
	}
	pthread_barrier_wait(&vm.barrier);	/* all vCPUs exist */
	if (o->start_delay_ms && wait_signal(o->start_delay_ms) == 1) {
		vm.stop = 1;
		interrupted = 1;
	}
	pthread_barrier_wait(&vm.barrier);	/* go */

	start = now_ns();
	next_tick = start + LOOP_TICK_MS * 1000000ull;
	end = o->duration_ms ? start + o->duration_ms * 1000000ull : UINT64_MAX;
	while (finished < o->vcpus) {
		uint64_t t = now_ns(), wake = end;
		unsigned int ms;

		if (t >= end && !vm.stop) {
			timed_out = 1;
			vm_stop(&vm);
		}
		if (o->loop && t >= next_tick) {
			loop_mix(&vm, ++tick);
			next_tick += LOOP_TICK_MS * 1000000ull;
			continue;
		}
		if (o->loop && next_tick < wake)
			wake = next_tick;
		if (vm.stop || wake == UINT64_MAX || wake - t > 1000000000ull)
			ms = 1000;
		else
			ms = (unsigned int)((wake - t) / 1000000) + 1;
		r = wait_signal(ms);
		if (r == 1 && !interrupted) {
			interrupted = 1;
			if (!vm.stop)
				vm_stop(&vm);
		}
		/* A vCPU that failed stops the others too. */
		for (unsigned int i = 0; i < o->vcpus; i++)
			if (vm.vcpus[i].failed && !vm.stop)
				vm_stop(&vm);
		finished = (unsigned int)__atomic_load_n(&vm.finished,
							 __ATOMIC_ACQUIRE);
	}
	for (unsigned int i = 0; i < o->vcpus; i++)
		pthread_join(vm.vcpus[i].thread, NULL);

	for (unsigned int i = 0; i < o->vcpus && !hdr.failed; i++) {
		struct vcpu *v = &vm.vcpus[i];

		if (v->failed) {
			hdr.failed = 1;
			snprintf(hdr.err, sizeof(hdr.err), "%s", v->err);
		}
	}
	if (!hdr.failed && interrupted && !o->loop) {
		hdr.failed = 1;
		snprintf(hdr.err, sizeof(hdr.err), "interrupted by a signal");
	}
	if (!hdr.failed && timed_out && !o->loop) {
		hdr.failed = 1;
		snprintf(hdr.err, sizeof(hdr.err),
			 "timed out after %u ms (--duration)", o->duration_ms);
	}
	for (unsigned int i = 0; i < o->vcpus && !hdr.failed && !o->loop; i++) {
		struct vcpu_result *res = &vm.vcpus[i].res;

		for (int k = 0; k < NKINDS; k++) {
			uint64_t want = (uint64_t)o->count[k] * o->phases;

			if (res->exits[k] != want) {
				hdr.failed = 1;
				snprintf(hdr.err, sizeof(hdr.err),
					 "vcpu %u: %s exits %llu, expected %llu",
					 i, kind_key[k],
					 (unsigned long long)res->exits[k],
					 (unsigned long long)want);
				break;
			}
		}
	}
	vm_send(fd, &hdr, vm.vcpus, (int)o->vcpus);
	close(fd);
	if (o->hold_ms)
		wait_signal(o->hold_ms);	/* the VM and its fds stay alive */
	pthread_barrier_destroy(&vm.barrier);
	vm_cleanup(&vm);
	return hdr.failed;

out_fail:
	hdr.failed = 1;
	vm_send(fd, &hdr, vm.vcpus, 0);
	close(fd);
	vm_cleanup(&vm);
	return 1;
}

/* ---- the parent: start the VMs, collect, print ------------------------- */

static pid_t children[VMM_MAX_VMS];
static volatile sig_atomic_t nchildren, got_stop;

static void stop_handler(int sig)
{
	(void)sig;
	got_stop = 1;
	for (int i = 0; i < nchildren; i++)
		if (children[i] > 0)
			kill(children[i], SIGTERM);
}

struct vm_out {
	struct vm_result hdr;
	struct vcpu_result *vcpus;
	int have;		/* a well-formed result arrived */
};

static void json_kinds(FILE *f, const uint64_t *v)
{
	fputc('{', f);
	for (int k = 0; k < NKINDS; k++)
		fprintf(f, "%s\"%s\":%llu", k ? "," : "", kind_key[k],
			(unsigned long long)v[k]);
}

static uint64_t uexit_sum(const uint64_t *u)
{
	uint64_t s = 0;

	for (int i = 0; i < NUEXITS; i++)
		s += u[i];
	return s;
}

static void json_result(FILE *f, const struct opts *o, struct vm_out *vms,
			const char *err)
{
	uint64_t tot[NKINDS] = { 0 }, utot = 0;

	fprintf(f, "{\"schema\":\"kvmla-vmm\",\"version\":1,\n");
	fprintf(f, " \"config\":{\"vms\":%u,\"vcpus\":%u,\"phases\":%u,"
		"\"loop\":%s,\"delay_us\":%u,\"per_vcpu_phase\":",
		o->vms, o->vcpus, o->phases, o->loop ? "true" : "false",
		o->delay_us);
	{
		uint64_t c[NKINDS];

		for (int k = 0; k < NKINDS; k++)
			c[k] = o->count[k];
		json_kinds(f, c);
	}
	fprintf(f, "}},\n \"vms\":[");
	for (unsigned int i = 0; i < o->vms; i++) {
		struct vm_out *vm = &vms[i];
		uint64_t vt[NKINDS] = { 0 }, vu = 0;
		char name[96];

		snprintf(name, sizeof(name), "%s-%u", o->name, i);
		fprintf(f, "%s\n  {\"name\":", i ? "," : "");
		kvmla_json_str(f, name);
		fprintf(f, ",\"pid\":%d,\n   \"vcpus\":[", (int)vm->hdr.pid);
		for (int j = 0; vm->have && j < vm->hdr.nvcpus; j++) {
			struct vcpu_result *r = &vm->vcpus[j];

			fprintf(f, "%s\n    {\"vcpu_id\":%d,\"tid\":%d,\"exits\":",
				j ? "," : "", r->vcpu_id, r->tid);
			json_kinds(f, r->exits);
			fprintf(f, "},\"userspace_exits\":{");
			for (int u = 0; u < NUEXITS; u++)
				fprintf(f, "%s\"%s\":%llu", u ? "," : "",
					uexit_key[u],
					(unsigned long long)r->uexits[u]);
			fputc('}', f);
			/* The kernel's own vCPU counters, changed by the run. */
			if (r->nkstats > 0) {
				fprintf(f, ",\n     \"kvm_stats\":{");
				for (int k = 0; k < r->nkstats && k < KSTATS_MAX; k++) {
					r->kstats[k].name[sizeof(r->kstats[k].name) - 1] = 0;
					fprintf(f, "%s", k ? "," : "");
					kvmla_json_str(f, r->kstats[k].name);
					fprintf(f, ":%llu", (unsigned long long)r->kstats[k].val);
				}
				fputc('}', f);
			}
			fputc('}', f);
			for (int k = 0; k < NKINDS; k++)
				vt[k] += r->exits[k];
			vu += uexit_sum(r->uexits);
		}
		fprintf(f, "],\n   \"totals\":");
		json_kinds(f, vt);
		fprintf(f, ",\"userspace_exits\":%llu}}", (unsigned long long)vu);
		for (int k = 0; k < NKINDS; k++)
			tot[k] += vt[k];
		utot += vu;
	}
	fprintf(f, "],\n \"totals\":");
	json_kinds(f, tot);
	fprintf(f, ",\"userspace_exits\":%llu}", (unsigned long long)utot);
	if (err) {
		fprintf(f, ",\n \"error\":");
		kvmla_json_str(f, err);
	}
	fprintf(f, "}\n");
}

/*
 * The JSON destination, opened before any VM runs so a bad path fails
 * early: stdout, or FILE written as FILE.tmp and renamed at the end.
 */
static FILE *json_f;
static char json_tmp[PATH_MAX];

static int json_open(const struct opts *o)
{
	struct stat st;

	if (!strcmp(o->json, "-")) {
		json_f = stdout;
		return 0;
	}
	/*
	 * A regular file (or a new one) is replaced atomically, so a reader
	 * never sees half a document; anything else (a device such as
	 * /dev/null, a FIFO) is written in place.
	 */
	if (stat(o->json, &st) == 0 && !S_ISREG(st.st_mode))
		snprintf(json_tmp, sizeof(json_tmp), "%s", o->json);
	else
		snprintf(json_tmp, sizeof(json_tmp), "%s.tmp", o->json);
	json_f = fopen(json_tmp, "w");
	if (!json_f) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, json_tmp,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes the document (or only the error) and closes the destination. */
static int json_emit(const struct opts *o, struct vm_out *vms, const char *err,
		     int only_error)
{
	FILE *f = json_f;
	int bad;

	if (!f)
		return -1;
	if (only_error) {
		fprintf(f, "{\"schema\":\"kvmla-vmm\",\"version\":1,\"error\":");
		kvmla_json_str(f, err);
		fprintf(f, "}\n");
	} else {
		json_result(f, o, vms, err);
	}
	bad = fflush(f) != 0 || ferror(f);
	json_f = NULL;
	if (f != stdout) {
		bad |= fclose(f) != 0;
		if (!bad && strcmp(json_tmp, o->json) &&
		    rename(json_tmp, o->json)) {
			fprintf(stderr, "%s: cannot rename %s: %s\n", prog,
				json_tmp, strerror(errno));
			return -1;
		}
	}
	if (bad) {
		fprintf(stderr, "%s: cannot write the JSON: %s\n", prog,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* A runtime failure before any VM ran: one line, error JSON, exit 1. */
static int fail_early(const struct opts *o, const char *fmt, ...)
{
	char err[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, sizeof(err), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prog, err);
	json_emit(o, NULL, err, 1);
	return 1;
}

static char self_exe[PATH_MAX] = "/proc/self/exe";

static int spawn_vm(int argc, char **argv, const struct opts *o, unsigned int i,
		    int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		char name[96], child[32];
		char **av = calloc((size_t)argc + 5, sizeof(*av));
		int n = 0;

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		fcntl(p[1], F_SETFD, 0);
		snprintf(name, sizeof(name), "%s-%u", o->name, i);
		snprintf(child, sizeof(child), "%u:%d", i, p[1]);
		if (!av)
			_exit(127);
		av[n++] = argv[0];
		av[n++] = "-name";
		av[n++] = name;
		av[n++] = "--vm-child";
		av[n++] = child;
		for (int a = 1; a < argc; a++)
			av[n++] = argv[a];
		av[n] = NULL;
		/* By its real path, so the VM process's comm is ours, not "exe". */
		execv(self_exe, av);
		_exit(127);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static int collect(int fd, struct vm_out *vm, unsigned int vcpus)
{
	ssize_t n = read_all(fd, &vm->hdr, sizeof(vm->hdr));

	if (n != (ssize_t)sizeof(vm->hdr) || vm->hdr.magic != RESULT_MAGIC ||
	    vm->hdr.nvcpus < 0 || (unsigned int)vm->hdr.nvcpus > vcpus)
		return -1;
	vm->hdr.err[sizeof(vm->hdr.err) - 1] = '\0';
	vm->vcpus = calloc(vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -1;
	n = read_all(fd, vm->vcpus, sizeof(*vm->vcpus) * vm->hdr.nvcpus);
	if (n != (ssize_t)(sizeof(*vm->vcpus) * vm->hdr.nvcpus))
		return -1;
	vm->have = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct vm_out *vms;
	int fds[VMM_MAX_VMS];
	struct sigaction sa = { .sa_handler = stop_handler,
				.sa_flags = SA_RESTART };
	char err[400] = "";
	int kvm, status = 0;

	if (argc > 0 && argv[0] && strrchr(argv[0], '/'))
		prog = strrchr(argv[0], '/') + 1;
	else if (argc > 0 && argv[0] && *argv[0])
		prog = argv[0];

	/* A VM process: argv = prog -name NAME-i --vm-child I:FD options... */
	if (argc >= 5 && !strcmp(argv[1], "-name") &&
	    !strcmp(argv[3], "--vm-child")) {
		int fd = -1;
		unsigned int idx;

		if (sscanf(argv[4], "%u:%d", &idx, &fd) != 2 || fd < 0)
			die_usage("bad --vm-child");
		parse_opts(argc - 4, argv + 4, &o);
		o.vm_index = idx;
		return vm_main(&o, fd);
	}

	parse_opts(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	if (json_open(&o))
		return 1;

	{
		ssize_t n = readlink("/proc/self/exe", self_exe,
				     sizeof(self_exe) - 1);

		if (n > 0)
			self_exe[n] = '\0';
		else
			strcpy(self_exe, "/proc/self/exe");
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail_early(&o, "cannot open /dev/kvm: %s", strerror(errno));
	close(kvm);

	vms = calloc(o.vms, sizeof(*vms));
	if (!vms)
		return fail_early(&o, "out of memory");
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (unsigned int i = 0; i < o.vms; i++) {
		pid_t pid = spawn_vm(argc, argv, &o, i, &fds[i]);

		if (pid < 0) {
			snprintf(err, sizeof(err), "cannot start VM %u: %s", i,
				 strerror(errno));
			stop_handler(SIGTERM);
			o.vms = i;
			break;
		}
		vms[i].hdr.pid = pid;
		children[i] = pid;
		nchildren = (int)i + 1;
	}
	if (got_stop)		/* a signal came while VMs were starting */
		stop_handler(SIGTERM);
	for (unsigned int i = 0; i < o.vms; i++) {
		if (collect(fds[i], &vms[i], o.vcpus)) {
			if (!*err)
				snprintf(err, sizeof(err),
					 "%s-%u (pid %d): ended without a result",
					 o.name, i, (int)children[i]);
			vms[i].hdr.pid = children[i];
		} else if (vms[i].hdr.failed && !*err) {
			snprintf(err, sizeof(err), "%s-%u (pid %d): %s", o.name, i,
				 (int)vms[i].hdr.pid, vms[i].hdr.err);
		}
		close(fds[i]);
	}
	if (*err)
		fprintf(stderr, "%s: %s\n", prog, err);
	if (json_emit(&o, vms, *err ? err : NULL, 0))
		status = 1;
	for (unsigned int i = 0; i < o.vms; i++) {
		int ws;

		while (waitpid(children[i], &ws, 0) < 0 && errno == EINTR)
			;
		free(vms[i].vcpus);
	}
	free(vms);
	return *err || status ? 1 : 0;
}
