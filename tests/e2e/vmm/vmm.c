// SPDX-License-Identifier: GPL-2.0
/*
 * la-vmm: a static, libc-free LoongArch test VMM.  It drives /dev/kvm the way
 * an unmodified QEMU does through the upstream LoongArch uapi, runs small
 * assembly guests whose exits are known by construction, and prints one JSON
 * object per scenario: the expected counts, the KVM_RUN returns it saw, the
 * values the guest reported and the vCPU binary stats.  See docs/e2e-vmm.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <linux/kvm.h>
#include <linux/mman.h>
#include <linux/fcntl.h>
#include <linux/futex.h>
#include <linux/time.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <asm-generic/errno.h>

#include "lib.h"
#include "sys.h"
#include "la.h"
#include "map.h"

#define VMM_NAME	"la-vmm"
#define VMM_SCHEMA	"kvmla-la-vmm"
#define NSLOTS		32
#define MAX_VCPUS	256
#define LOG_MAX		32
#define STATS_MAX	48
#define THREAD_STACK	(64 * 1024)
#define NA		INT64_MIN	/* expected count that no construction fixes */

/* More LoongArch CSR numbers (arch/loongarch/include/asm/loongarch.h) */
#define CSR_MERRSAVE	0x95
#define CSR_DESAVE	0x502

/* ---- expected counts -------------------------------------------------- */

#define COUNT_KEYS(X)							\
	X(EC_INT, "ecode", "int")	X(EC_PIL, "ecode", "pil")	\
	X(EC_PIS, "ecode", "pis")	X(EC_PIF, "ecode", "pif")	\
	X(EC_PME, "ecode", "pme")	X(EC_FPDIS, "ecode", "fpdis")	\
	X(EC_LSXDIS, "ecode", "lsxdis")	X(EC_GSPR, "ecode", "gspr")	\
	X(EC_HVC, "ecode", "hvc")					\
	X(G_CPUCFG, "gspr", "cpucfg")	X(G_CSR, "gspr", "csr")		\
	X(G_IOCSR, "gspr", "iocsr")	X(G_IDLE, "gspr", "idle")	\
	X(G_CACOP, "gspr", "cacop")					\
	X(HVCL_100, "hvcl", "0x100")					\
	X(MR_B, "mmio_read", "b")	X(MR_BU, "mmio_read", "bu")	\
	X(MR_H, "mmio_read", "h")	X(MR_HU, "mmio_read", "hu")	\
	X(MR_W, "mmio_read", "w")	X(MR_WU, "mmio_read", "wu")	\
	X(MR_D, "mmio_read", "d")					\
	X(MW_B, "mmio_write", "b")	X(MW_H, "mmio_write", "h")	\
	X(MW_W, "mmio_write", "w")	X(MW_D, "mmio_write", "d")	\
	X(IR_B, "iocsr_read", "b")	X(IR_H, "iocsr_read", "h")	\
	X(IR_W, "iocsr_read", "w")	X(IR_D, "iocsr_read", "d")	\
	X(IW_B, "iocsr_write", "b")	X(IW_H, "iocsr_write", "h")	\
	X(IW_W, "iocsr_write", "w")	X(IW_D, "iocsr_write", "d")	\
	X(S2_RAM, "stage2", "ram_faults")				\
	X(S2_MMIO, "stage2", "mmio_faults")				\
	X(IRQ_KVM, "irq", "kvm_interrupt")				\
	X(IRQ_TIMER, "irq", "guest_timer")				\
	X(IRQ_HANDLED, "irq", "guest_handled")				\
	X(U_MMIO, "userspace_exits", "mmio")				\
	X(U_IOCSR, "userspace_exits", "iocsr")				\
	X(U_HCALL, "userspace_exits", "hypercall")			\
	X(U_INTR, "userspace_exits", "intr")				\
	X(U_OTHER, "userspace_exits", "other")				\
	X(K_INT, "kvm_stats", "int_exits")				\
	X(K_IDLE, "kvm_stats", "idle_exits")				\
	X(K_CPUCFG, "kvm_stats", "cpucfg_exits")			\
	X(K_SIGNAL, "kvm_stats", "signal_exits")			\
	X(K_HCALL, "kvm_stats", "hypercall_exits")

enum count_key {
#define X(id, g, k) id,
	COUNT_KEYS(X)
#undef X
	NKEYS
};

static const char *const key_group[NKEYS] = {
#define X(id, g, k) g,
	COUNT_KEYS(X)
#undef X
};

static const char *const key_name[NKEYS] = {
#define X(id, g, k) k,
	COUNT_KEYS(X)
#undef X
};

struct swcsr_count {
	unsigned int csr;
	const char *name;
	int rd, wr, xchg;
};

/* kvm_exit reasons (ecodes) counted from the tracepoint, in JSON order */
static const struct { const char *name; unsigned int ecode; int key; } trace_ec[] = {
	{ "int", 0, EC_INT }, { "pil", 1, EC_PIL }, { "pis", 2, EC_PIS },
	{ "pif", 3, EC_PIF }, { "pme", 4, EC_PME }, { "fpdis", 15, EC_FPDIS },
	{ "lsxdis", 16, EC_LSXDIS }, { "gspr", 22, EC_GSPR }, { "hvc", 23, EC_HVC },
};
#define NTRACE_EC 10	/* the above, then "other" */

/* ---- VM state ---------------------------------------------------------- */

struct stat_val {
	char name[48];
	uint32_t flags;
	uint64_t before, after;
};

struct vcpu {
	int idx, fd, statsfd;
	struct kvm_run *run;
	struct vm *vm;
	uint64_t slot[NSLOTS];
	uint32_t slot_seen;
	uint64_t uexit_mmio, uexit_iocsr, uexit_hcall, uexit_intr, uexit_other;
	uint64_t mmio_r[4], mmio_w[4], iocsr_r[4], iocsr_w[4];	/* by log2(len) */
	uint64_t irq_calls;
	bool done, paused;
	uint64_t switches;	/* context switches of its thread while running it */
	int nstats;
	struct stat_val stats[STATS_MAX];
	volatile int ctid;
	char err[200];
};

struct wlog {
	uint64_t addr;
	uint32_t len;
	uint64_t val;
};

struct result {
	char name[40];
	int vcpu;		/* -1: a VMM-side result (not a report slot) */
	int slot;
	uint64_t expect, got;
	bool have;
};

struct vm {
	const struct scenario *sc;
	int fd;
	uint8_t *ram;
	uint8_t *s2;		/* memslot 1 backing (stage2) */
	size_t s2_size;
	uint32_t s2_async_page;	/* stage2: the page the remap thread replaces */
	volatile int s2_ctid;	/* stage2: the remap thread, 0 when gone */
	bool s2_thread;
	int nvcpus;
	struct vcpu *vcpus;
	int64_t expect[NKEYS];
	const struct swcsr_count *swcsr;
	int nswcsr;
	struct result res[64];
	int nres;
	struct wlog dev_w[LOG_MAX], dev_w_exp[LOG_MAX];
	int ndev_w, ndev_w_exp;
	struct wlog io_w[LOG_MAX], io_w_exp[LOG_MAX];
	int nio_w, nio_w_exp;
	bool has_lsx;
	volatile int ready;	/* smp: vCPU 1 is ready for the IPI */
	bool traced;		/* tr_* below are valid */
	uint64_t tr_ecode[NTRACE_EC];
	uint64_t tr_gspr[5];	/* cpucfg, csr, iocsr, idle, cacop */
	uint64_t tr_gspr_other;
	uint64_t tr_vpid;	/* kvm_vpid_change (reported, not compared) */
	uint64_t switches;	/* sum of the vCPU threads' context switches */
	uint64_t fpu_reloads_switched;	/* FPDIS/LSXDIS beyond the construction */
	struct { unsigned int csr; uint64_t rd, wr, xchg; } tr_csr[16];
	int ntr_csr;
	char err[240];
	char mism[1024];
	int nmism;
};

struct scenario {
	const char *name;
	const char *what;
	const uint8_t *code, *code_end;
	int (*setup)(struct vm *vm);
	void (*expect)(struct vm *vm);
	int (*run)(struct vm *vm);
	int (*ctrl)(struct vm *vm, struct vcpu *vc, uint32_t op, uint32_t arg);
	void (*post)(struct vm *vm);
};

static int kvm_fd = -1;
static size_t run_size;
static unsigned long page_size = 16384;
static unsigned int vpid_vcpus = MAX_VCPUS;
static uint64_t timeout_ms = 120000;
static volatile uint64_t deadline_ns;
static volatile const char *current_scenario;
static bool expect_only;
static bool trace_on;		/* --trace: count kvm_exit* in a tracefs instance */

/* ---- small helpers ----------------------------------------------------- */

static void err_line(const char *a, const char *b, long err)
{
	const char *n = err > 0 ? errno_name(err) : NULL;

	ob_str(&out_err, VMM_NAME ": ");
	ob_str(&out_err, a);
	if (b)
		ob_str(&out_err, b);
	if (err > 0) {
		ob_str(&out_err, ": ");
		if (n)
			ob_str(&out_err, n);
		else {
			ob_str(&out_err, "errno ");
			ob_u64(&out_err, (uint64_t)err);
		}
	}
	ob_chr(&out_err, '\n');
	ob_flush(&out_err);
}

/* Append to a fixed buffer: s (string), then optional hex value. */
static void sappend(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	while (*s && n + 1 < size)
		buf[n++] = *s++;
	buf[n] = 0;
}

static void sappend_u64(char *buf, size_t size, uint64_t v, bool hex)
{
	char t[24];
	int i = 0;
	char out[24];
	int j = 0;

	if (hex) {
		out[j++] = '0';
		out[j++] = 'x';
	}
	do {
		unsigned int d = (unsigned int)(hex ? v & 15 : v % 10);

		t[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v = hex ? v >> 4 : v / 10;
	} while (v);
	while (i)
		out[j++] = t[--i];
	out[j] = 0;
	sappend(buf, size, out);
}

static void set_err(char *buf, size_t size, const char *what, long err)
{
	const char *n;

	if (buf[0])
		return;		/* keep the first error */
	sappend(buf, size, what);
	if (err > 0) {
		sappend(buf, size, ": ");
		n = errno_name(err);
		if (n) {
			sappend(buf, size, n);
		} else {
			sappend(buf, size, "errno ");
			sappend_u64(buf, size, (uint64_t)err, false);
		}
	}
}

#define VM_ERR(v_, w_, e_) set_err((v_)->err, sizeof((v_)->err), (w_), (e_))
#define VC_ERR(v_, w_, e_) set_err((v_)->err, sizeof((v_)->err), (w_), (e_))

static void mismatch(struct vm *vm, const char *what, uint64_t want, uint64_t got)
{
	vm->nmism++;
	if (vm->mism[0])
		sappend(vm->mism, sizeof(vm->mism), "; ");
	sappend(vm->mism, sizeof(vm->mism), what);
	sappend(vm->mism, sizeof(vm->mism), " want ");
	sappend_u64(vm->mism, sizeof(vm->mism), want, true);
	sappend(vm->mism, sizeof(vm->mism), " got ");
	sappend_u64(vm->mism, sizeof(vm->mism), got, true);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	sys_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	sys_nanosleep(&ts);
}

static void *map_anon(size_t len)
{
	long p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p < 0 && p > -4096 ? NULL : (void *)p;
}

/* ---- the device the guests read: values by construction --------------- */

/* MMIO device read data (8 bytes, little endian; the low len bytes used). */
static uint64_t dev_pattern(uint64_t off)
{
	if (off & 0x800)
		return 0x7e6d5c4b3a291800ull | (off & 0x7f);
	return 0xf1e2d3c4b5a69780ull | (off & 0x7f);
}

/* IOCSR read data: the top bit of every width set. */
static uint64_t iocsr_pattern(uint64_t addr)
{
	return 0x8f9eadbccbdae980ull | (addr & 0x7f);
}

static uint64_t sx(uint64_t v, unsigned int bytes)
{
	unsigned int sh = 64 - 8 * bytes;

	return bytes >= 8 ? v : (uint64_t)((int64_t)(v << sh) >> sh);
}

static uint64_t zx(uint64_t v, unsigned int bytes)
{
	return bytes >= 8 ? v : v & ((1ull << (8 * bytes)) - 1);
}

static int log2len(uint32_t len)
{
	switch (len) {
	case 1: return 0;
	case 2: return 1;
	case 4: return 2;
	case 8: return 3;
	}
	return -1;
}

/* ---- KVM plumbing ------------------------------------------------------ */

static long kio(int fd, unsigned long req, const void *arg)
{
	return sys_ioctl(fd, req, (unsigned long)arg);
}

static int set_one_reg(struct vm *vm, struct vcpu *vc, uint64_t id, uint64_t val,
		       const char *what)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };
	long ret = kio(vc->fd, KVM_SET_ONE_REG, &r);

	if (ret < 0) {
		char b[96] = "KVM_SET_ONE_REG ";

		sappend(b, sizeof(b), what);
		VM_ERR(vm, b, -ret);
		return -1;
	}
	return 0;
}

static int get_one_reg(struct vm *vm, struct vcpu *vc, uint64_t id, uint64_t *val,
		       const char *what)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };
	long ret = kio(vc->fd, KVM_GET_ONE_REG, &r);

	if (ret < 0) {
		char b[96] = "KVM_GET_ONE_REG ";

		sappend(b, sizeof(b), what);
		VM_ERR(vm, b, -ret);
		return -1;
	}
	return 0;
}

static int set_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		       void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};
	long ret = kio(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);

	if (ret < 0) {
		VM_ERR(vm, size ? "KVM_SET_USER_MEMORY_REGION" :
		       "KVM_SET_USER_MEMORY_REGION (delete)", -ret);
		return -1;
	}
	return 0;
}

/* The CPUCFG words la-vmm gives its vCPUs (QEMU puts all 21). */
static uint32_t cpucfg_val[21] = {
	[0] = 0x0014c010,	/* PRID of a LA464 */
	[1] = 0x03f2f2fe,	/* ARCH=LA64, PGMMU, IOCSR, PALEN/VALEN 48, UAL, RI, EP, RPLV, HP, IOCSR_BRD */
	[2] = 0,		/* filled in: FP, FPSP, FPDP, FPVERS 1, LSX if allowed, LLFTP, LLFTPREV 1 */
	[3] = 0x00000003,
	[4] = 100000000,	/* constant timer: 100 MHz */
	[5] = 0x00010001,	/* CC_MUL 1, CC_DIV 1 */
	[16] = 0x0000a5a5,
	[20] = 0x00060c3c,
};

static int cpucfg2_value(struct vm *vm, struct vcpu *vc, uint32_t *out)
{
	uint64_t mask = 0;
	struct kvm_device_attr a = {
		.group = KVM_LOONGARCH_VCPU_CPUCFG, .attr = 2,
		.addr = (uint64_t)(uintptr_t)&mask,
	};
	long ret = kio(vc->fd, KVM_GET_DEVICE_ATTR, &a);
	uint32_t v = CPUCFG2_FP | CPUCFG2_FPSP | CPUCFG2_FPDP | CPUCFG2_FPVERS1 |
		     CPUCFG2_LSX | CPUCFG2_LLFTP | CPUCFG2_LLFTPREV1;

	if (ret < 0) {
		VM_ERR(vm, "KVM_GET_DEVICE_ATTR vCPU CPUCFG 2", -ret);
		return -1;
	}
	v &= (uint32_t)mask;
	vm->has_lsx = (v & CPUCFG2_LSX) != 0;
	*out = v;
	return 0;
}

/* Read the vCPU binary stats (KVM_GET_STATS_FD), into before or after. */
static int stats_read(struct vm *vm, struct vcpu *vc, bool after)
{
	struct kvm_stats_header h;
	static uint8_t descbuf[16384];
	uint64_t data[256];
	long r;
	uint32_t i, dsz;
	int n = 0;

	if (vc->statsfd < 0)
		return 0;
	r = sys_pread(vc->statsfd, &h, sizeof(h), 0);
	if (r != (long)sizeof(h)) {
		VM_ERR(vm, "read vCPU stats header", r < 0 ? -r : EIO);
		return -1;
	}
	dsz = (uint32_t)sizeof(struct kvm_stats_desc) + h.name_size;
	if ((uint64_t)dsz * h.num_desc > sizeof(descbuf) || h.name_size > 200) {
		VM_ERR(vm, "vCPU stats: too many descriptors", 0);
		return -1;
	}
	r = sys_pread(vc->statsfd, descbuf, dsz * h.num_desc, h.desc_offset);
	if (r != (long)(dsz * h.num_desc)) {
		VM_ERR(vm, "read vCPU stats descriptors", r < 0 ? -r : EIO);
		return -1;
	}
	for (i = 0; i < h.num_desc && n < STATS_MAX; i++) {
		struct kvm_stats_desc *d = (void *)(descbuf + (size_t)i * dsz);
		uint64_t v = 0;

		if (d->size != 1)
			continue;	/* histograms: not reported */
		if (sys_pread(vc->statsfd, data, 8, h.data_offset + d->offset) != 8) {
			VM_ERR(vm, "read vCPU stats data", EIO);
			return -1;
		}
		v = data[0];
		if (!after) {
			memset(&vc->stats[n], 0, sizeof(vc->stats[n]));
			memcpy(vc->stats[n].name, d->name,
			       h.name_size < 47 ? h.name_size : 47);
			vc->stats[n].flags = d->flags;
			vc->stats[n].before = v;
		} else {
			vc->stats[n].after = v;
		}
		n++;
	}
	vc->nstats = n;
	return 0;
}

static int vcpu_create(struct vm *vm, struct vcpu *vc, int idx)
{
	long ret;
	struct kvm_regs regs;
	uint32_t c2;
	uint64_t pv = PV_FEATURE_IPI;
	struct kvm_device_attr pva = {
		.group = KVM_LOONGARCH_VCPU_CPUCFG, .attr = CPUCFG_KVM_FEATURE,
		.addr = (uint64_t)(uintptr_t)&pv,
	};
	uint64_t counter;
	int i;

	vc->idx = idx;
	vc->vm = vm;
	vc->statsfd = -1;
	ret = kio(vm->fd, KVM_CREATE_VCPU, (void *)(uintptr_t)idx);
	if (ret < 0) {
		VM_ERR(vm, "KVM_CREATE_VCPU", -ret);
		return -1;
	}
	vc->fd = (int)ret;
	ret = sys_mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vc->fd, 0);
	if (ret < 0 && ret > -4096) {
		VM_ERR(vm, "mmap kvm_run", -ret);
		return -1;
	}
	vc->run = (struct kvm_run *)ret;

	/* As QEMU at reset: VCPU_RESET, CPUCFG words, pv features, CSRs. */
	if (set_one_reg(vm, vc, KVM_REG_LOONGARCH_VCPU_RESET, 0, "VCPU_RESET"))
		return -1;
	if (cpucfg2_value(vm, vc, &c2))
		return -1;
	cpucfg_val[2] = c2;
	for (i = 0; i < 21; i++) {
		char what[24] = "CPUCFG";

		sappend_u64(what, sizeof(what), (uint64_t)i, false);
		if (set_one_reg(vm, vc, KVM_IOC_CPUCFG(i), cpucfg_val[i], what))
			return -1;
	}
	ret = kio(vc->fd, KVM_SET_DEVICE_ATTR, &pva);
	if (ret < 0) {
		VM_ERR(vm, "KVM_SET_DEVICE_ATTR vCPU CPUCFG 0x40000004 (pv features)", -ret);
		return -1;
	}
	if (set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_CRMD), 0xa8, "CSR CRMD") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_EUEN), 0, "CSR EUEN") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_ECFG), 0, "CSR ECFG") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_ESTAT), 0, "CSR ESTAT") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_EENTRY), 0, "CSR EENTRY") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_IMPCTL1), 0x1b1b, "CSR IMPCTL1") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_CPUID), (uint64_t)idx, "CSR CPUID") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_TVAL), 0, "CSR TVAL") ||
	    set_one_reg(vm, vc, KVM_IOC_CSRID(CSR_TCFG), 0, "CSR TCFG"))
		return -1;
	/* The guest counter: read and put back, as QEMU does around a stop. */
	if (get_one_reg(vm, vc, KVM_REG_LOONGARCH_COUNTER, &counter, "COUNTER") ||
	    set_one_reg(vm, vc, KVM_REG_LOONGARCH_COUNTER, counter, "COUNTER"))
		return -1;

	memset(&regs, 0, sizeof(regs));
	regs.pc = 0;
	regs.gpr[4] = (uint64_t)idx;	/* a0: vCPU index, unless the scenario says */
	ret = kio(vc->fd, KVM_SET_REGS, &regs);
	if (ret < 0) {
		VM_ERR(vm, "KVM_SET_REGS", -ret);
		return -1;
	}
	ret = kio(vc->fd, KVM_GET_STATS_FD, NULL);
	if (ret < 0) {
		VM_ERR(vm, "KVM_GET_STATS_FD (vCPU)", -ret);
		return -1;
	}
	vc->statsfd = (int)ret;
	return 0;
}

static int set_args(struct vm *vm, struct vcpu *vc, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct kvm_regs regs;
	long ret = kio(vc->fd, KVM_GET_REGS, &regs);

	if (ret < 0) {
		VM_ERR(vm, "KVM_GET_REGS", -ret);
		return -1;
	}
	regs.gpr[4] = a0;
	regs.gpr[5] = a1;
	regs.gpr[6] = a2;
	ret = kio(vc->fd, KVM_SET_REGS, &regs);
	if (ret < 0) {
		VM_ERR(vm, "KVM_SET_REGS", -ret);
		return -1;
	}
	return 0;
}

static int kvm_irq(struct vm *vm, struct vcpu *vc, int irq)
{
	struct kvm_interrupt k = { .irq = (uint32_t)irq };
	long ret = kio(vc->fd, KVM_INTERRUPT, &k);

	vc->irq_calls++;
	if (ret < 0) {
		VM_ERR(vm, "KVM_INTERRUPT", -ret);
		return -1;
	}
	return 0;
}

/* ---- the run loop ------------------------------------------------------ */

static int run_vcpu_loop(struct vm *vm, struct vcpu *vc);

static uint64_t strtou(const char *p)
{
	uint64_t v = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v;
}

static void on_mmio(struct vm *vm, struct vcpu *vc)
{
	struct kvm_run *r = vc->run;
	uint64_t a = r->mmio.phys_addr, v = 0;
	int l = log2len(r->mmio.len);

	if (l < 0) {
		VC_ERR(vc, "MMIO with a bad length", 0);
		return;
	}
	if (!r->mmio.is_write) {
		vc->mmio_r[l]++;
		if (a >= MAP_DEV && a < MAP_DEV + MAP_DEV_SIZE) {
			v = dev_pattern(a - MAP_DEV);
			memcpy(r->mmio.data, &v, r->mmio.len);
			return;
		}
		VC_ERR(vc, "MMIO read outside the device", 0);
		return;
	}
	vc->mmio_w[l]++;
	memcpy(&v, r->mmio.data, r->mmio.len);
	if (a >= MAP_REPORT && a < MAP_DONE) {
		uint64_t s = (a - MAP_REPORT) / 8;

		if (r->mmio.len != 8 || (a & 7) || s >= NSLOTS) {
			VC_ERR(vc, "bad report store", 0);
			return;
		}
		vc->slot[s] = v;
		vc->slot_seen |= 1u << s;
	} else if (a == MAP_DONE) {
		vc->done = true;
	} else if (a == MAP_CTRL) {
		uint32_t op = (uint32_t)(v >> 32), arg = (uint32_t)v;

		if (op == MAP_OP_IRQ_RAISE || op == MAP_OP_IRQ_LOWER) {
			kvm_irq(vm, vc, op == MAP_OP_IRQ_RAISE ? (int)arg : -(int)arg);
		} else if (op == MAP_OP_PAUSE) {
			vc->paused = true;
		} else if (!vm->sc->ctrl || vm->sc->ctrl(vm, vc, op, arg)) {
			VC_ERR(vc, "unknown or failed CTRL command", 0);
		}
	} else if (a >= MAP_DEV && a < MAP_DEV + MAP_DEV_SIZE) {
		if (vm->ndev_w < LOG_MAX)
			vm->dev_w[vm->ndev_w++] = (struct wlog){ a - MAP_DEV, r->mmio.len, v };
	} else {
		VC_ERR(vc, "MMIO write outside the map", 0);
	}
}

static void on_iocsr(struct vm *vm, struct vcpu *vc)
{
	struct kvm_run *r = vc->run;
	int l = log2len(r->iocsr_io.len);
	uint64_t v = 0;

	if (l < 0) {
		VC_ERR(vc, "IOCSR access with a bad length", 0);
		return;
	}
	if (r->iocsr_io.is_write) {
		vc->iocsr_w[l]++;
		memcpy(&v, r->iocsr_io.data, r->iocsr_io.len);
		if (vm->nio_w < LOG_MAX)
			vm->io_w[vm->nio_w++] = (struct wlog){ r->iocsr_io.phys_addr,
							       r->iocsr_io.len, v };
	} else {
		vc->iocsr_r[l]++;
		v = iocsr_pattern(r->iocsr_io.phys_addr);
		memcpy(r->iocsr_io.data, &v, 8);
	}
}

/*
 * Context switches (voluntary + involuntary) of the calling thread so far,
 * from /proc/thread-self/status; 0 without /proc.  Each one puts the vCPU,
 * which loses its FPU/LSX (a later use reloads them: one more FPDIS/LSXDIS).
 */
static uint64_t thread_switches(void)
{
	char b[4096];
	long fd = sys_openat(AT_FDCWD, "/proc/thread-self/status", O_RDONLY | O_CLOEXEC, 0);
	long n;
	uint64_t sum = 0;
	const char *p;

	if (fd < 0)
		return 0;
	n = sys_read((int)fd, b, sizeof(b) - 1);
	sys_close((int)fd);
	if (n <= 0)
		return 0;
	b[n] = 0;
	for (p = b; *p; p++) {
		if (!strncmp(p, "voluntary_ctxt_switches:", 24) && (p == b || p[-1] == '\n'))
			sum += strtou(p + 24);
		else if (!strncmp(p, "nonvoluntary_ctxt_switches:", 27))
			sum += strtou(p + 27);
	}
	return sum;
}

/* Run a vCPU until the guest is done or paused, or something fails. */
static int run_vcpu(struct vm *vm, struct vcpu *vc)
{
	uint64_t sw0 = thread_switches();
	int rc;

	rc = run_vcpu_loop(vm, vc);
	vc->switches += thread_switches() - sw0;
	return rc;
}

static int run_vcpu_loop(struct vm *vm, struct vcpu *vc)
{
	vc->paused = false;
	while (!vc->done && !vc->paused && !vc->err[0] && !vm->err[0]) {
		long ret = kio(vc->fd, KVM_RUN, NULL);

		if (ret < 0) {
			if (ret == -EINTR || ret == -EAGAIN) {
				vc->uexit_intr++;
				continue;
			}
			VC_ERR(vc, "KVM_RUN", -ret);
			break;
		}
		switch (vc->run->exit_reason) {
		case KVM_EXIT_MMIO:
			vc->uexit_mmio++;
			on_mmio(vm, vc);
			break;
		case KVM_EXIT_LOONGARCH_IOCSR:
			vc->uexit_iocsr++;
			on_iocsr(vm, vc);
			break;
		case KVM_EXIT_HYPERCALL:
			vc->uexit_hcall++;
			VC_ERR(vc, "unexpected KVM_EXIT_HYPERCALL", 0);
			break;
		case KVM_EXIT_INTR:
			vc->uexit_intr++;
			break;
		default: {
			char b[64] = "unexpected exit_reason ";

			vc->uexit_other++;
			sappend_u64(b, sizeof(b), vc->run->exit_reason, false);
			if (vc->run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
				sappend(b, sizeof(b), " (internal error, suberror ");
				sappend_u64(b, sizeof(b), vc->run->internal.suberror, false);
				sappend(b, sizeof(b), ")");
			}
			VC_ERR(vc, b, 0);
			break;
		}
		}
	}
	return vc->err[0] || vm->err[0] ? -1 : 0;
}

static int run_single(struct vm *vm)
{
	return run_vcpu(vm, &vm->vcpus[0]);
}

/* ---- threads (smp) ----------------------------------------------------- */

static int start_thread(volatile int *ctid, int (*fn)(void *), void *arg)
{
	return thread_start(ctid, map_anon(THREAD_STACK), THREAD_STACK, fn, arg);
}

static void join_thread(volatile int *ctid)
{
	int v;

	while ((v = *ctid) != 0)
		sys_futex(ctid, FUTEX_WAIT, v, NULL);
}

/* ---- scenarios --------------------------------------------------------- */

extern const uint8_t guest_basic[], guest_basic_end[];
extern const uint8_t guest_mmio[], guest_mmio_end[];
extern const uint8_t guest_gspr[], guest_gspr_end[];
extern const uint8_t guest_stage2[], guest_stage2_end[];
extern const uint8_t guest_irq[], guest_irq_end[];
extern const uint8_t guest_fpu[], guest_fpu_end[];
extern const uint8_t guest_smp[], guest_smp_end[];
extern const uint8_t guest_vpid[], guest_vpid_end[];

static void want(struct vm *vm, int vcpu, int slot, const char *name, uint64_t v)
{
	struct result *r;

	if (vm->nres >= (int)(sizeof(vm->res) / sizeof(vm->res[0])))
		return;
	r = &vm->res[vm->nres++];
	memset(r, 0, sizeof(*r));
	sappend(r->name, sizeof(r->name), name);
	r->vcpu = vcpu;
	r->slot = slot;
	r->expect = v;
}

/* A VMM-side result (not from a report slot), known now. */
static void want_got(struct vm *vm, const char *name, uint64_t want_v, uint64_t got)
{
	want(vm, -1, -1, name, want_v);
	vm->res[vm->nres - 1].got = got;
	vm->res[vm->nres - 1].have = true;
}

static void want_dev_w(struct vm *vm, uint64_t off, uint32_t len, uint64_t v)
{
	if (vm->ndev_w_exp < LOG_MAX)
		vm->dev_w_exp[vm->ndev_w_exp++] = (struct wlog){ off, len, zx(v, len) };
}

static void want_io_w(struct vm *vm, uint64_t addr, uint32_t len, uint64_t v)
{
	if (vm->nio_w_exp < LOG_MAX)
		vm->io_w_exp[vm->nio_w_exp++] = (struct wlog){ addr, len, zx(v, len) };
}

/* Counts every scenario shares: host interrupts are never constructible. */
static void expect_common(struct vm *vm)
{
	vm->expect[EC_INT] = NA;
	vm->expect[K_INT] = NA;
	vm->expect[EC_PIF] = 1;		/* the code page, first fetch */
	vm->expect[S2_RAM] = 1;
}

/* Derived counts: ecode totals from the parts. */
static void expect_finish(struct vm *vm)
{
	int64_t *e = vm->expect;
	int64_t reads = e[MR_B] + e[MR_BU] + e[MR_H] + e[MR_HU] + e[MR_W] + e[MR_WU] + e[MR_D];
	int64_t writes = e[MW_B] + e[MW_H] + e[MW_W] + e[MW_D];

	e[EC_GSPR] = e[G_CPUCFG] + e[G_CSR] + e[G_IOCSR] + e[G_IDLE] + e[G_CACOP];
	e[EC_HVC] = e[HVCL_100];
	e[EC_PIL] += reads;
	e[EC_PIS] += writes;
	e[S2_MMIO] = reads + writes;
	e[U_MMIO] = reads + writes;
	e[U_IOCSR] = e[IR_B] + e[IR_H] + e[IR_W] + e[IR_D] +
		     e[IW_B] + e[IW_H] + e[IW_W] + e[IW_D];
	e[K_CPUCFG] = e[G_CPUCFG];
	e[K_IDLE] = e[G_IDLE];
	e[K_HCALL] = e[HVCL_100];
	e[K_SIGNAL] = 0;
}

/* basic ------------------------------------------------------------------ */

static const struct swcsr_count basic_swcsr[] = {
	{ CSR_MERRSAVE, "MERRSAVE", 2, 1, 1 },
};

static void basic_expect(struct vm *vm)
{
	int64_t *e = vm->expect;
	uint64_t merr = 0x5a5a0001, val = 0x1234567887654321ull, mask = 0xffff0000;

	expect_common(vm);
	e[G_CPUCFG] = 3;
	e[G_CSR] = 4;
	e[G_IOCSR] = 4;
	e[G_IDLE] = 1;
	e[HVCL_100] = 2;
	e[MR_W] = 1;
	e[MR_BU] = 1;
	e[MW_B] = 1;
	e[MW_H] = 1;
	e[MW_W] = 2;
	e[MW_D] = 14 + 2 + 1;		/* reports, st.d + stptr.d, done */
	e[IR_W] = 1;
	e[IR_D] = 1;
	e[IW_W] = 1;
	e[IW_D] = 1;
	vm->swcsr = basic_swcsr;
	vm->nswcsr = 1;
	expect_finish(vm);

	want(vm, 0, 0, "cpucfg_0", cpucfg_val[0]);
	want(vm, 0, 1, "cpucfg_4", cpucfg_val[4]);
	want(vm, 0, 2, "cpucfg_0x40000000", 0x004d564b);	/* "KVM\0" */
	want(vm, 0, 3, "iocsrrd_w", sx(iocsr_pattern(MAP_IOCSR_A), 4));
	want(vm, 0, 4, "iocsrrd_d", iocsr_pattern(MAP_IOCSR_B));
	want(vm, 0, 5, "merrsave_csrwr_old", 0);
	want(vm, 0, 6, "merrsave_csrrd", merr);
	want(vm, 0, 7, "merrsave_csrxchg_old", merr);
	want(vm, 0, 8, "merrsave_after_xchg", (merr & ~mask) | (val & mask));
	want(vm, 0, 9, "hvcl_0x100_a0_0", (uint64_t)-1);
	want(vm, 0, 10, "hvcl_0x100_a0_ipi", 0);
	want(vm, 0, 11, "mmio_ld_w", sx(dev_pattern(0x10), 4));
	want(vm, 0, 12, "mmio_ld_bu", zx(dev_pattern(0x18), 1));
	want(vm, 0, 13, "estat_after_idle", 0x800);
	want_io_w(vm, MAP_IOCSR_C, 4, 0x1122334455667788ull);
	want_io_w(vm, MAP_IOCSR_D, 8, 0x1122334455667788ull);
	want_dev_w(vm, 0x20, 1, 0x0123456789abcdefull);
	want_dev_w(vm, 0x22, 2, 0x0123456789abcdefull);
	want_dev_w(vm, 0x24, 4, 0x0123456789abcdefull);
	want_dev_w(vm, 0x28, 8, 0x0123456789abcdefull);
	want_dev_w(vm, 0x30, 4, 0x0123456789abcdefull);
	want_dev_w(vm, 0x38, 8, 0x0123456789abcdefull);
}

/* mmio ------------------------------------------------------------------- */

static void mmio_expect(struct vm *vm)
{
	int64_t *e = vm->expect;
	static const struct { const char *n; unsigned int off, len; bool sig; } ld[] = {
		{ "ld_b", 0x00, 1, true }, { "ld_bu", 0x08, 1, false },
		{ "ld_h", 0x10, 2, true }, { "ld_hu", 0x18, 2, false },
		{ "ld_w", 0x20, 4, true }, { "ld_wu", 0x28, 4, false },
		{ "ld_d", 0x30, 8, true },
		{ "ldx_b", 0x40, 1, true }, { "ldx_bu", 0x48, 1, false },
		{ "ldx_h", 0x50, 2, true }, { "ldx_hu", 0x58, 2, false },
		{ "ldx_w", 0x60, 4, true }, { "ldx_wu", 0x68, 4, false },
		{ "ldx_d", 0x70, 8, true },
		{ "ldptr_w", 0x80, 4, true }, { "ldptr_d", 0x88, 8, true },
		{ "ld_b_positive", 0x800, 1, true }, { "ld_h_positive", 0x808, 2, true },
		{ "ld_w_positive", 0x810, 4, true },
	};
	uint64_t a = 0x0123456789abcdefull, b = 0xfedcba9876543210ull;
	unsigned int i;

	expect_common(vm);
	e[MR_B] = 3;
	e[MR_BU] = 2;
	e[MR_H] = 3;
	e[MR_HU] = 2;
	e[MR_W] = 4;
	e[MR_WU] = 2;
	e[MR_D] = 3;
	e[MW_B] = 2;
	e[MW_H] = 2;
	e[MW_W] = 3;
	e[MW_D] = 3 + 19 + 1;		/* st.d, stx.d, stptr.d; reports; done */
	expect_finish(vm);
	for (i = 0; i < sizeof(ld) / sizeof(ld[0]); i++) {
		uint64_t p = dev_pattern(ld[i].off);

		want(vm, 0, (int)i, ld[i].n, ld[i].sig ? sx(p, ld[i].len) : zx(p, ld[i].len));
	}
	want_dev_w(vm, 0x100, 1, a);
	want_dev_w(vm, 0x108, 2, a);
	want_dev_w(vm, 0x110, 4, a);
	want_dev_w(vm, 0x118, 8, a);
	want_dev_w(vm, 0x120, 1, b);
	want_dev_w(vm, 0x128, 2, b);
	want_dev_w(vm, 0x130, 4, b);
	want_dev_w(vm, 0x138, 8, b);
	want_dev_w(vm, 0x140, 4, a);
	want_dev_w(vm, 0x148, 8, b);
}

/* gspr ------------------------------------------------------------------- */

static const struct swcsr_count gspr_swcsr[] = {
	{ CSR_IMPCTL1, "IMPCTL1", 1, 1, 0 },
	{ CSR_MERRSAVE, "MERRSAVE", 2, 1, 1 },
	{ CSR_DESAVE, "DESAVE", 1, 0, 1 },
};

static void gspr_expect(struct vm *vm)
{
	int64_t *e = vm->expect;
	static const uint32_t idx[14] = { 0, 1, 2, 3, 4, 5, 6, 16, 20, 21,
					  0x40000000, 0x40000004, 0x40000005, 0x12345 };
	uint64_t v = 0xaaaa5555aaaa5555ull, m = 0x0ff0;
	unsigned int i;

	expect_common(vm);
	e[G_CPUCFG] = 14;
	e[G_CSR] = 8;
	e[G_IOCSR] = 8;
	e[G_IDLE] = 1;
	e[G_CACOP] = 1;
	e[IR_B] = e[IR_H] = e[IR_W] = e[IR_D] = 1;
	e[IW_B] = e[IW_H] = e[IW_W] = e[IW_D] = 1;
	e[MW_D] = 28 + 1;
	vm->swcsr = gspr_swcsr;
	vm->nswcsr = 3;
	expect_finish(vm);
	for (i = 0; i < 14; i++) {
		char n[32] = "cpucfg_";
		uint64_t w;

		sappend_u64(n, sizeof(n), idx[i], true);
		if (idx[i] < 21)
			w = cpucfg_val[idx[i]];
		else if (idx[i] == 0x40000000)
			w = 0x004d564b;
		else if (idx[i] == CPUCFG_KVM_FEATURE)
			w = PV_FEATURE_IPI;
		else
			w = 0;
		want(vm, 0, (int)i, n, w);
	}
	want(vm, 0, 14, "impctl1_csrrd", 0x1b1b);
	want(vm, 0, 15, "impctl1_csrwr_old", 0x1b1b);
	want(vm, 0, 16, "merrsave_csrwr_old", 0);
	want(vm, 0, 17, "merrsave_csrrd", 0x77);
	want(vm, 0, 18, "merrsave_csrxchg_old", 0x77);
	want(vm, 0, 19, "merrsave_after_xchg", (0x77 & ~m) | (v & m));
	want(vm, 0, 20, "desave_csrxchg_old", 0);
	want(vm, 0, 21, "desave_csrrd", 0x0123456789abcdefull);
	want(vm, 0, 22, "iocsrrd_b", sx(iocsr_pattern(0x40), 1));
	want(vm, 0, 23, "iocsrrd_h", sx(iocsr_pattern(0x48), 2));
	want(vm, 0, 24, "iocsrrd_w", sx(iocsr_pattern(0x50), 4));
	want(vm, 0, 25, "iocsrrd_d", iocsr_pattern(0x58));
	want(vm, 0, 26, "estat_after_idle", 0x800);
	want(vm, 0, 27, "estat_after_ticlr", 0);
	want_io_w(vm, 0x60, 1, 0x8877665544332211ull);
	want_io_w(vm, 0x68, 2, 0x8877665544332211ull);
	want_io_w(vm, 0x70, 4, 0x8877665544332211ull);
	want_io_w(vm, 0x78, 8, 0x8877665544332211ull);
}

static void gspr_post(struct vm *vm)
{
	uint64_t v = 0;

	if (!get_one_reg(vm, &vm->vcpus[0], KVM_IOC_CSRID(CSR_IMPCTL1), &v, "CSR IMPCTL1"))
		want_got(vm, "impctl1_get_one_reg", 0x2c2c, v);
	if (!get_one_reg(vm, &vm->vcpus[0], KVM_IOC_CSRID(CSR_MERRSAVE), &v, "CSR MERRSAVE"))
		want_got(vm, "merrsave_get_one_reg", (0x77 & ~0x0ff0ull) |
			 (0xaaaa5555aaaa5555ull & 0x0ff0), v);
}

/* stage2 ----------------------------------------------------------------- */

static uint64_t s2_first(unsigned int i)  { return (uint64_t)i * 0x10001 + 0x5a00000000ull; }
static uint64_t s2_second(unsigned int i) { return 0xc0de000000000000ull | ((uint64_t)i << 8); }
static uint64_t s2_remap(unsigned int i)  { return 0xbeef000000000000ull | i; }

static int stage2_setup(struct vm *vm)
{
	vm->s2_size = (size_t)MAP_S2_PAGES * page_size;
	vm->s2 = map_anon(vm->s2_size);
	if (!vm->s2) {
		VM_ERR(vm, "mmap memslot 1", ENOMEM);
		return -1;
	}
	if (set_memslot(vm, 1, MAP_S2_BASE, vm->s2_size, vm->s2))
		return -1;
	return set_args(vm, &vm->vcpus[0], page_size, MAP_S2_PAGES, 0);
}

/*
 * While the vCPU runs (polling the page): build the new page elsewhere, then
 * mremap it over the old one, so the host mapping changes atomically.
 */
static int stage2_remap_thread(void *arg)
{
	struct vm *vm = arg;
	uint8_t *dst = vm->s2 + (size_t)vm->s2_async_page * page_size;
	uint8_t *p;
	long r;

	sleep_ms(20);
	p = map_anon(page_size);
	if (!p) {
		VM_ERR(vm, "mmap the remap page", ENOMEM);
		return 0;
	}
	*(volatile uint64_t *)p = s2_remap(vm->s2_async_page);
	r = sys_mremap(p, page_size, page_size, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (r < 0 && r > -4096)
		VM_ERR(vm, "mremap over a memslot page", -r);
	return 0;
}

static int stage2_ctrl(struct vm *vm, struct vcpu *vc, uint32_t op, uint32_t arg)
{
	unsigned int i;
	uint8_t *p;
	long r;

	(void)vc;
	if (op == MAP_OP_SLOT_READD) {
		/* delete memslot 1, re-add it on new memory with new contents */
		if (set_memslot(vm, 1, MAP_S2_BASE, 0, vm->s2))
			return -1;
		p = map_anon(vm->s2_size);
		if (!p) {
			VM_ERR(vm, "mmap new memslot 1", ENOMEM);
			return -1;
		}
		for (i = 0; i < MAP_S2_PAGES; i++)
			*(volatile uint64_t *)(p + (size_t)i * page_size) = s2_second(i);
		sys_munmap(vm->s2, vm->s2_size);
		vm->s2 = p;
		return set_memslot(vm, 1, MAP_S2_BASE, vm->s2_size, vm->s2);
	}
	if (op == MAP_OP_REMAP_ASYNC && arg < MAP_S2_PAGES && !vm->s2_thread) {
		long e;

		vm->s2_async_page = arg;
		e = start_thread(&vm->s2_ctid, stage2_remap_thread, vm);
		if (e < 0) {
			VM_ERR(vm, "clone the remap thread", -e);
			return -1;
		}
		vm->s2_thread = true;
		return 0;
	}
	if (op == MAP_OP_PAGE_REMAP && arg < MAP_S2_PAGES) {
		/* replace one host page under the live memslot */
		p = vm->s2 + (size_t)arg * page_size;
		r = sys_munmap(p, page_size);
		if (r < 0) {
			VM_ERR(vm, "munmap a memslot page", -r);
			return -1;
		}
		r = sys_mmap(p, page_size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (r < 0 && r > -4096) {
			VM_ERR(vm, "mmap MAP_FIXED a memslot page", -r);
			return -1;
		}
		*(volatile uint64_t *)p = s2_remap(arg);
		return 0;
	}
	return -1;
}

static void stage2_expect(struct vm *vm)
{
	int64_t *e = vm->expect;
	uint64_t sum1 = 0, sum2 = 0;
	unsigned int i, n = MAP_S2_PAGES;

	expect_common(vm);
	e[EC_PIS] = n;			/* phase 1: first write to each page */
	e[EC_PIL] = n + 2;		/* phase 2: each page again; phases 3, 4: 1 */
	e[S2_RAM] += 2 * n + 2;
	e[MW_D] = 7 + 3 + 1;		/* reports, CTRL, done */
	expect_finish(vm);
	for (i = 0; i < n; i++) {
		sum1 += s2_first(i);
		sum2 += s2_second(i);
	}
	want(vm, 0, 0, "sum_after_first_touch", sum1);
	want(vm, 0, 1, "sum_after_slot_readd", sum2);
	want(vm, 0, 2, "page0_after_slot_readd", s2_second(0));
	want(vm, 0, 3, "last_page_after_slot_readd", s2_second(n - 1));
	want(vm, 0, 4, "page5_after_remap", s2_remap(5));
	want(vm, 0, 5, "page6_after_remap", s2_second(6));
	want(vm, 0, 6, "page7_after_async_remap", s2_remap(7));
}

/* irq -------------------------------------------------------------------- */

/*
 * The irq and smp guests put their handler at 0x1000 (EENTRY is 4 KiB
 * aligned): one more code page to fault in when host pages are 4 KiB.
 */
static void expect_handler_page(struct vm *vm)
{
	if (page_size <= 0x1000) {
		vm->expect[EC_PIF]++;
		vm->expect[S2_RAM]++;
	}
}

static void irq_expect(struct vm *vm)
{
	int64_t *e = vm->expect;

	expect_common(vm);
	expect_handler_page(vm);
	e[MW_D] = 5 + 6 + 1;		/* CTRL raise x3 and lower x2, reports, done */
	e[IRQ_KVM] = 5;
	e[IRQ_TIMER] = 1;
	e[IRQ_HANDLED] = 4;
	expect_finish(vm);
	want(vm, 0, 0, "timer_interrupts", 1);
	want(vm, 0, 1, "hwi0_interrupts", 1);
	want(vm, 0, 2, "ipi_interrupts", 1);
	want(vm, 0, 3, "swi1_interrupts", 1);
	want(vm, 0, 4, "estat_is_seen", 0x1806);
	want(vm, 0, 5, "estat_at_end", 0);
}

/* fpu -------------------------------------------------------------------- */

static int fpu_setup(struct vm *vm)
{
	return set_args(vm, &vm->vcpus[0], vm->has_lsx, 0x3ff8000000000000ull,
			0x1111111111111111ull);
}

static void fpu_expect(struct vm *vm)
{
	int64_t *e = vm->expect;

	expect_common(vm);
	/*
	 * FP first used at the start, after report 0 and (LSX or not) by the
	 * last movfr2gr.d; LSX after report 1 and after report 2.
	 */
	e[EC_FPDIS] = 3;
	e[EC_LSXDIS] = vm->has_lsx ? 2 : 0;
	e[MW_D] = (vm->has_lsx ? 5 : 3) + 1;
	expect_finish(vm);
	want(vm, 0, 0, "fadd_1.5_1.5", 0x4008000000000000ull);
	want(vm, 0, 1, "fadd_3.0_1.5", 0x4012000000000000ull);
	if (vm->has_lsx) {
		want(vm, 0, 2, "vadd_d_lane1", 0x2222222222222222ull);
		want(vm, 0, 3, "vadd_d_lane0", 0x2222222222222222ull);
	}
	want(vm, 0, 4, "fa2_after_lsx", 0x4008000000000000ull);
}

/* smp -------------------------------------------------------------------- */

static int smp_ctrl(struct vm *vm, struct vcpu *vc, uint32_t op, uint32_t arg)
{
	(void)arg;
	if (op != MAP_OP_READY || vc->idx != 1)
		return -1;
	__atomic_store_n(&vm->ready, 1, __ATOMIC_SEQ_CST);
	sys_futex(&vm->ready, FUTEX_WAKE, 1, NULL);
	return 0;
}

static int smp_thread(void *arg)
{
	struct vcpu *vc = arg;
	struct vm *vm = vc->vm;

	if (vc->idx == 0) {
		while (!__atomic_load_n(&vm->ready, __ATOMIC_SEQ_CST) && !vm->err[0] &&
		       !vm->vcpus[1].err[0]) {
			struct timespec ts = { 0, 50000000 };

			sys_futex(&vm->ready, FUTEX_WAIT, 0, &ts);
		}
		if (!vm->ready)
			return 0;
	}
	run_vcpu(vm, vc);
	return 0;
}

static int smp_run(struct vm *vm)
{
	int i, r;

	for (i = 0; i < 2; i++) {
		r = start_thread(&vm->vcpus[i].ctid, smp_thread, &vm->vcpus[i]);
		if (r < 0) {
			VM_ERR(vm, "clone a vCPU thread", -r);
			return -1;
		}
	}
	for (i = 0; i < 2; i++)
		join_thread(&vm->vcpus[i].ctid);
	return 0;
}

static void smp_expect(struct vm *vm)
{
	int64_t *e = vm->expect;

	expect_common(vm);
	expect_handler_page(vm);
	e[HVCL_100] = 1;
	e[MW_D] = 2 + 4;		/* vCPU 0: report, done; vCPU 1: READY, 2 reports, done */
	e[IRQ_HANDLED] = 1;
	expect_finish(vm);
	want(vm, 0, 0, "vcpu0_pv_ipi_a0", 0);
	want(vm, 1, 0, "vcpu1_swi0_interrupts", 1);
	want(vm, 1, 1, "vcpu1_estat_is_seen", 0x1);
}

/* vpid ------------------------------------------------------------------- */

static int vpid_run(struct vm *vm)
{
	uint64_t mask = 1;	/* host CPU 0 */
	long r = sys_sched_setaffinity(0, sizeof(mask), &mask);
	int i, round;

	if (r < 0) {
		VM_ERR(vm, "sched_setaffinity CPU 0", -r);
		return -1;
	}
	for (round = 0; round < 2; round++) {
		for (i = 0; i < vm->nvcpus; i++) {
			struct vcpu *vc = &vm->vcpus[i];

			if (run_vcpu(vm, vc))
				return -1;
			if (round == 0 && !vc->paused) {
				VC_ERR(vc, "vpid guest did not pause in round 1", 0);
				return -1;
			}
		}
	}
	return 0;
}

static void vpid_expect(struct vm *vm)
{
	int64_t *e = vm->expect;
	int i, n = vm->nvcpus;

	expect_common(vm);
	e[EC_PIS] = 1;			/* the RAM data page, first vCPU only */
	e[S2_RAM] += 1;
	e[MW_D] = 5 * n;		/* PAUSE, 3 reports, done */
	expect_finish(vm);
	for (i = 0; i < n; i++) {
		uint64_t s0 = 3 * (uint64_t)i + 7;

		want(vm, i, 0, "ram_word", s0 ^ 0x555);
		want(vm, i, 1, "s0_kept", s0);
		want(vm, i, 2, "cpuid", (uint64_t)i);
	}
}

#define GUEST(n) guest_##n, guest_##n##_end

static const struct scenario scenarios[] = {
	{ "basic", "the guest of the first control run", GUEST(basic),
	  NULL, basic_expect, run_single, NULL, NULL },
	{ "mmio", "MMIO loads and stores of every width and signedness", GUEST(mmio),
	  NULL, mmio_expect, run_single, NULL, NULL },
	{ "gspr", "cpucfg, software CSRs, iocsr of every width, idle, cacop", GUEST(gspr),
	  NULL, gspr_expect, run_single, NULL, gspr_post },
	{ "stage2", "first-touch stage-2 faults; memslot re-add and page remap", GUEST(stage2),
	  stage2_setup, stage2_expect, run_single, stage2_ctrl, NULL },
	{ "irq", "guest timer interrupt and KVM_INTERRUPT injection", GUEST(irq),
	  NULL, irq_expect, run_single, NULL, NULL },
	{ "fpu", "lazy FPU and LSX enable", GUEST(fpu),
	  fpu_setup, fpu_expect, run_single, NULL, NULL },
	{ "smp", "two vCPUs, a PV IPI (hvcl 0x100, a0 = 1)", GUEST(smp),
	  NULL, smp_expect, smp_run, smp_ctrl, NULL },
	{ "vpid", "more vCPUs than VPIDs, run in turn on one CPU", GUEST(vpid),
	  NULL, vpid_expect, vpid_run, NULL, NULL },
};
#define NSCEN ((int)(sizeof(scenarios) / sizeof(scenarios[0])))

static int scenario_vcpus(const struct scenario *sc)
{
	if (sc->run == smp_run)
		return 2;
	if (sc->run == vpid_run)
		return (int)vpid_vcpus;
	return 1;
}

/* ---- checks and JSON --------------------------------------------------- */

/* What every vCPU of the VM saw, added up. */
struct seen_sums {
	uint64_t mr[4], mw[4], ir[4], iw[4];
	uint64_t um, ui, uh, un, uo, irq;
};

static void seen_sum(const struct vm *vm, struct seen_sums *t)
{
	int i, l;

	*t = (struct seen_sums){ 0 };
	for (i = 0; i < vm->nvcpus; i++) {
		const struct vcpu *vc = &vm->vcpus[i];

		for (l = 0; l < 4; l++) {
			t->mr[l] += vc->mmio_r[l];
			t->mw[l] += vc->mmio_w[l];
			t->ir[l] += vc->iocsr_r[l];
			t->iw[l] += vc->iocsr_w[l];
		}
		t->um += vc->uexit_mmio;
		t->ui += vc->uexit_iocsr;
		t->uh += vc->uexit_hcall;
		t->un += vc->uexit_intr;
		t->uo += vc->uexit_other;
		t->irq += vc->irq_calls;
	}
}

static void check_counts(struct vm *vm, const int64_t *e)
{
	struct seen_sums t;
	const uint64_t *mr = t.mr, *mw = t.mw, *ir = t.ir, *iw = t.iw;

	seen_sum(vm, &t);
#define CK(what, w, g) do { if ((uint64_t)(w) != (g)) mismatch(vm, what, (uint64_t)(w), (g)); } while (0)
	CK("mmio_read len 1", e[MR_B] + e[MR_BU], mr[0]);
	CK("mmio_read len 2", e[MR_H] + e[MR_HU], mr[1]);
	CK("mmio_read len 4", e[MR_W] + e[MR_WU], mr[2]);
	CK("mmio_read len 8", e[MR_D], mr[3]);
	CK("mmio_write len 1", e[MW_B], mw[0]);
	CK("mmio_write len 2", e[MW_H], mw[1]);
	CK("mmio_write len 4", e[MW_W], mw[2]);
	CK("mmio_write len 8", e[MW_D], mw[3]);
	CK("iocsr_read len 1", e[IR_B], ir[0]);
	CK("iocsr_read len 2", e[IR_H], ir[1]);
	CK("iocsr_read len 4", e[IR_W], ir[2]);
	CK("iocsr_read len 8", e[IR_D], ir[3]);
	CK("iocsr_write len 1", e[IW_B], iw[0]);
	CK("iocsr_write len 2", e[IW_H], iw[1]);
	CK("iocsr_write len 4", e[IW_W], iw[2]);
	CK("iocsr_write len 8", e[IW_D], iw[3]);
	CK("userspace_exits mmio", e[U_MMIO], t.um);
	CK("userspace_exits iocsr", e[U_IOCSR], t.ui);
	CK("userspace_exits hypercall", e[U_HCALL], t.uh);
	CK("userspace_exits other", e[U_OTHER], t.uo);
	CK("irq kvm_interrupt", e[IRQ_KVM], t.irq);
#undef CK
}

static uint64_t stat_delta(const struct vm *vm, const char *name, bool *found)
{
	uint64_t sum = 0;
	int i, j;

	*found = false;
	for (i = 0; i < vm->nvcpus; i++) {
		const struct vcpu *vc = &vm->vcpus[i];

		for (j = 0; j < vc->nstats; j++) {
			const struct stat_val *s = &vc->stats[j];

			if (strcmp(s->name, name))
				continue;
			*found = true;
			if ((s->flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_CUMULATIVE)
				sum += s->after - s->before;
			else
				sum += s->after;
		}
	}
	return sum;
}

static void check_stats(struct vm *vm)
{
	static const int keys[] = { K_IDLE, K_CPUCFG, K_SIGNAL, K_HCALL };
	unsigned int i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		bool found;
		uint64_t v = stat_delta(vm, key_name[keys[i]], &found);
		char b[48] = "kvm_stats ";

		sappend(b, sizeof(b), key_name[keys[i]]);
		if (!found) {
			sappend(b, sizeof(b), " (no such stat)");
			mismatch(vm, b, (uint64_t)vm->expect[keys[i]], 0);
		} else if (v != (uint64_t)vm->expect[keys[i]]) {
			mismatch(vm, b, (uint64_t)vm->expect[keys[i]], v);
		}
	}
}

static void check_logs(struct vm *vm)
{
	int i;

	if (vm->ndev_w != vm->ndev_w_exp)
		mismatch(vm, "device stores", (uint64_t)vm->ndev_w_exp, (uint64_t)vm->ndev_w);
	for (i = 0; i < vm->ndev_w && i < vm->ndev_w_exp; i++) {
		const struct wlog *a = &vm->dev_w_exp[i], *b = &vm->dev_w[i];

		if (a->addr != b->addr || a->len != b->len || a->val != b->val) {
			char n[40] = "device store at ";

			sappend_u64(n, sizeof(n), a->addr, true);
			mismatch(vm, n, a->val, b->addr != a->addr || a->len != b->len ?
				 ~0ull : b->val);
		}
	}
	if (vm->nio_w != vm->nio_w_exp)
		mismatch(vm, "iocsr writes", (uint64_t)vm->nio_w_exp, (uint64_t)vm->nio_w);
	for (i = 0; i < vm->nio_w && i < vm->nio_w_exp; i++) {
		const struct wlog *a = &vm->io_w_exp[i], *b = &vm->io_w[i];

		if (a->addr != b->addr || a->len != b->len || a->val != b->val) {
			char n[40] = "iocsr write at ";

			sappend_u64(n, sizeof(n), a->addr, true);
			mismatch(vm, n, a->val, b->addr != a->addr || a->len != b->len ?
				 ~0ull : b->val);
		}
	}
}

static void check_results(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nres; i++) {
		struct result *r = &vm->res[i];

		if (r->vcpu >= 0) {
			struct vcpu *vc = &vm->vcpus[r->vcpu];

			r->have = (vc->slot_seen >> r->slot) & 1;
			r->got = vc->slot[r->slot];
		}
		if (!r->have) {
			vm->nmism++;
			if (vm->mism[0])
				sappend(vm->mism, sizeof(vm->mism), "; ");
			sappend(vm->mism, sizeof(vm->mism), r->name);
			sappend(vm->mism, sizeof(vm->mism), " not reported");
		} else if (r->got != r->expect) {
			char n[64];

			n[0] = 0;
			if (r->vcpu > 0) {
				sappend(n, sizeof(n), "vcpu");
				sappend_u64(n, sizeof(n), (uint64_t)r->vcpu, false);
				sappend(n, sizeof(n), " ");
			}
			sappend(n, sizeof(n), r->name);
			mismatch(vm, n, r->expect, r->got);
		}
	}
	/* irq guest: an exception other than an interrupt lands in slot 31 */
	if (vm->vcpus && (vm->vcpus[0].slot_seen >> 31) & 1)
		mismatch(vm, "unexpected guest exception, ESTAT", 0, vm->vcpus[0].slot[31]);
}

static void json_count(struct obuf *o, int64_t v)
{
	if (v == NA)
		ob_str(o, "null");
	else
		ob_i64(o, v);
}

static void json_expected(struct vm *vm)
{
	struct obuf *o = &out_json;
	const char *grp = NULL;
	int k, i;

	ob_key(o, "expected");
	ob_chr(o, '{');
	for (k = 0; k < NKEYS; k++) {
		if (!grp || strcmp(grp, key_group[k])) {
			if (grp)
				ob_str(o, "},");
			grp = key_group[k];
			ob_key(o, grp);
			ob_chr(o, '{');
		} else {
			ob_chr(o, ',');
		}
		ob_key(o, key_name[k]);
		json_count(o, vm->expect[k]);
	}
	ob_str(o, "},");
	ob_key(o, "swcsr");
	ob_chr(o, '[');
	for (i = 0; i < vm->nswcsr; i++) {
		const struct swcsr_count *s = &vm->swcsr[i];

		if (i)
			ob_chr(o, ',');
		ob_chr(o, '{');
		ob_key(o, "csr");
		ob_chr(o, '"');
		ob_hex(o, s->csr);
		ob_str(o, "\",");
		ob_key(o, "name");
		ob_qstr(o, s->name);
		ob_chr(o, ',');
		ob_key(o, "rd");
		ob_i64(o, s->rd);
		ob_chr(o, ',');
		ob_key(o, "wr");
		ob_i64(o, s->wr);
		ob_chr(o, ',');
		ob_key(o, "xchg");
		ob_i64(o, s->xchg);
		ob_chr(o, '}');
	}
	ob_str(o, "]}");
}

static void json_lens(struct obuf *o, const char *key, const uint64_t *v)
{
	static const char *const names[4] = { "1", "2", "4", "8" };
	int l;

	ob_key(o, key);
	ob_chr(o, '{');
	for (l = 0; l < 4; l++) {
		if (l)
			ob_chr(o, ',');
		ob_key(o, names[l]);
		ob_u64(o, v[l]);
	}
	ob_chr(o, '}');
}

static void json_seen(struct vm *vm)
{
	struct obuf *o = &out_json;
	struct seen_sums t;

	seen_sum(vm, &t);
	ob_key(o, "userspace_exits");
	ob_chr(o, '{');
	ob_key(o, "mmio"); ob_u64(o, t.um); ob_chr(o, ',');
	ob_key(o, "iocsr"); ob_u64(o, t.ui); ob_chr(o, ',');
	ob_key(o, "hypercall"); ob_u64(o, t.uh); ob_chr(o, ',');
	ob_key(o, "intr"); ob_u64(o, t.un); ob_chr(o, ',');
	ob_key(o, "other"); ob_u64(o, t.uo); ob_chr(o, ',');
	ob_key(o, "total"); ob_u64(o, t.um + t.ui + t.uh + t.un + t.uo);
	ob_str(o, "},");
	ob_key(o, "seen");
	ob_chr(o, '{');
	ob_key(o, "mmio");
	ob_chr(o, '{');
	json_lens(o, "read", t.mr);
	ob_chr(o, ',');
	json_lens(o, "write", t.mw);
	ob_str(o, "},");
	ob_key(o, "iocsr");
	ob_chr(o, '{');
	json_lens(o, "read", t.ir);
	ob_chr(o, ',');
	json_lens(o, "write", t.iw);
	ob_str(o, "},");
	ob_key(o, "kvm_interrupt");
	ob_u64(o, t.irq);
	ob_chr(o, '}');
}

static void json_results(struct vm *vm)
{
	struct obuf *o = &out_json;
	int i;

	ob_key(o, "results");
	ob_chr(o, '[');
	for (i = 0; i < vm->nres; i++) {
		const struct result *r = &vm->res[i];

		if (i)
			ob_chr(o, ',');
		ob_chr(o, '{');
		ob_key(o, "name");
		ob_qstr(o, r->name);
		ob_chr(o, ',');
		ob_key(o, "vcpu");
		ob_i64(o, r->vcpu);
		ob_chr(o, ',');
		ob_key(o, "expected");
		ob_chr(o, '"');
		ob_hex(o, r->expect);
		ob_str(o, "\",");
		ob_key(o, "got");
		if (r->have) {
			ob_chr(o, '"');
			ob_hex(o, r->got);
			ob_chr(o, '"');
		} else {
			ob_str(o, "null");
		}
		ob_chr(o, ',');
		ob_key(o, "ok");
		ob_str(o, r->have && r->got == r->expect ? "true" : "false");
		ob_chr(o, '}');
	}
	ob_chr(o, ']');
}

static void json_stats(struct vm *vm)
{
	struct obuf *o = &out_json;
	const struct vcpu *v0 = vm->vcpus;
	int j;

	ob_key(o, "kvm_stats");
	ob_chr(o, '{');
	for (j = 0; v0 && j < v0->nstats; j++) {
		bool found;

		if (j)
			ob_chr(o, ',');
		ob_key(o, v0->stats[j].name);
		ob_u64(o, stat_delta(vm, v0->stats[j].name, &found));
	}
	ob_chr(o, '}');
}

static void json_traced(struct vm *vm);

static void json_scenario(struct vm *vm, bool ok, uint64_t ms)
{
	struct obuf *o = &out_json;

	ob_chr(o, '{');
	ob_key(o, "schema"); ob_qstr(o, VMM_SCHEMA); ob_chr(o, ',');
	ob_key(o, "version"); ob_u64(o, 1); ob_chr(o, ',');
	ob_key(o, "scenario"); ob_qstr(o, vm->sc->name); ob_chr(o, ',');
	ob_key(o, "ok"); ob_str(o, ok ? "true" : "false"); ob_chr(o, ',');
	ob_key(o, "vcpus"); ob_u64(o, (uint64_t)vm->nvcpus); ob_chr(o, ',');
	ob_key(o, "page_size"); ob_u64(o, page_size); ob_chr(o, ',');
	ob_key(o, "lsx"); ob_str(o, vm->has_lsx ? "true" : "false"); ob_chr(o, ',');
	ob_key(o, "ms"); ob_u64(o, ms); ob_chr(o, ',');
	json_expected(vm);
	ob_chr(o, ',');
	if (!expect_only) {
		json_seen(vm);
		ob_chr(o, ',');
	}
	json_results(vm);
	ob_chr(o, ',');
	if (!expect_only) {
		json_stats(vm);
		ob_chr(o, ',');
	}
	if (vm->traced) {
		json_traced(vm);
		ob_chr(o, ',');
	}
	ob_key(o, "mismatches"); ob_u64(o, (uint64_t)vm->nmism);
	if (vm->mism[0]) {
		ob_chr(o, ',');
		ob_key(o, "mismatch");
		ob_qstr(o, vm->mism);
	}
	if (vm->err[0]) {
		ob_chr(o, ',');
		ob_key(o, "error");
		ob_qstr(o, vm->err);
	}
	ob_str(o, "}\n");
	ob_flush(o);
}

/* ---- --trace: kvm_exit and kvm_exit_gspr in a tracefs instance -------- */

#define TR_INST "/sys/kernel/tracing/instances/la-vmm"

static long tr_put(const char *path, const char *val)
{
	long fd = sys_openat(AT_FDCWD, path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
	long r;

	if (fd < 0)
		return fd;
	r = sys_write((int)fd, val, strlen(val));
	sys_close((int)fd);
	return r < 0 ? r : 0;
}

/* Create the instance and enable the two events once. */
static int trace_setup(void)
{
	static const char *const ev[] = { "kvm_exit", "kvm_exit_gspr", "kvm_vpid_change" };
	char path[128];
	unsigned int i;
	long r;

	r = sys_mkdirat(AT_FDCWD, TR_INST, 0755);
	if (r < 0 && r != -EEXIST) {
		err_line("--trace: mkdir " TR_INST, NULL, -r);
		return -1;
	}
	tr_put(TR_INST "/buffer_size_kb", "2048");
	for (i = 0; i < 3; i++) {
		path[0] = 0;
		sappend(path, sizeof(path), TR_INST "/events/kvm/");
		sappend(path, sizeof(path), ev[i]);
		sappend(path, sizeof(path), "/enable");
		r = tr_put(path, "1");
		if (r < 0) {
			err_line("--trace: enable kvm:", ev[i], -r);
			return -1;
		}
	}
	return 0;
}

static uint64_t hexval(const char *p)
{
	uint64_t v = 0;

	if (p[0] == '0' && p[1] == 'x')
		p += 2;
	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			v = v * 16 + (uint64_t)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			v = v * 16 + (uint64_t)(*p - 'a' + 10);
		else
			return v;
	}
}

static const char *strfind(const char *h, const char *n)
{
	size_t ln = strlen(n);

	for (; *h; h++)
		if (!strncmp(h, n, ln))
			return h;
	return NULL;
}

static void trace_csr(struct vm *vm, unsigned int csr, unsigned int rj)
{
	int i;

	for (i = 0; i < vm->ntr_csr; i++)
		if (vm->tr_csr[i].csr == csr)
			break;
	if (i == vm->ntr_csr) {
		if (i == 16)
			return;
		memset(&vm->tr_csr[i], 0, sizeof(vm->tr_csr[i]));
		vm->tr_csr[i].csr = csr;
		vm->ntr_csr++;
	}
	if (rj == 0)
		vm->tr_csr[i].rd++;
	else if (rj == 1)
		vm->tr_csr[i].wr++;
	else
		vm->tr_csr[i].xchg++;
}

/* One line of the instance's "trace" file. */
static void trace_line(struct vm *vm, const char *l)
{
	const char *p;

	if ((p = strfind(l, ": kvm_exit: "))) {
		uint64_t ec;
		unsigned int i;

		p = strfind(p, "[");
		if (!p)
			return;
		ec = hexval(p + 1);
		for (i = 0; i < NTRACE_EC - 1; i++)
			if (trace_ec[i].ecode == ec)
				break;
		vm->tr_ecode[i]++;
	} else if (strfind(l, ": kvm_vpid_change: ")) {
		vm->tr_vpid++;
	} else if ((p = strfind(l, ": kvm_exit_gspr: "))) {
		uint32_t w;

		p = strfind(p, "Inst word: ");
		if (!p)
			return;
		w = (uint32_t)hexval(p + 11);
		/* the decode of upstream's kvm_trap_handle_gspr() */
		if ((w >> 24) == 0x0)
			vm->tr_gspr[0]++;
		else if ((w >> 24) == 0x4) {
			vm->tr_gspr[1]++;
			trace_csr(vm, (w >> 10) & 0x3fff, (w >> 5) & 0x1f);
		} else if ((w >> 24) == 0x6 && ((w >> 22) & 0x3ff) == 0x18)
			vm->tr_gspr[4]++;
		else if ((w >> 24) == 0x6 && ((w >> 22) & 0x3ff) == 0x19 &&
			 ((w >> 15) & 0x1ffff) == 0xc90)
			vm->tr_gspr[2]++;
		else if ((w >> 24) == 0x6 && ((w >> 22) & 0x3ff) == 0x19 &&
			 ((w >> 15) & 0x1ffff) == 0xc91)
			vm->tr_gspr[3]++;
		else
			vm->tr_gspr_other++;
	}
}

/* Empty the instance's buffer (before a scenario). */
static void trace_clear(void)
{
	tr_put(TR_INST "/trace", "");
}

/* Count the events the scenario caused, then compare with the expected. */
static void trace_collect(struct vm *vm)
{
	static char buf[65536];
	char line[512];
	size_t ll = 0;
	long fd = sys_openat(AT_FDCWD, TR_INST "/trace", O_RDONLY | O_CLOEXEC, 0);
	long n;
	int i, j;

	if (fd < 0) {
		VM_ERR(vm, "--trace: open " TR_INST "/trace", -fd);
		return;
	}
	while ((n = sys_read((int)fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				line[ll] = 0;
				if (line[0] != '#')
					trace_line(vm, line);
				ll = 0;
			} else if (ll + 1 < sizeof(line)) {
				line[ll++] = buf[i];
			}
		}
	}
	sys_close((int)fd);
	vm->traced = true;

	for (i = 0; i < vm->nvcpus; i++)
		vm->switches += vm->vcpus[i].switches;
	for (i = 0; i < NTRACE_EC - 1; i++) {
		int64_t w = vm->expect[trace_ec[i].key];
		uint64_t got = vm->tr_ecode[i];
		char b[40] = "traced ecode ";

		if (w == NA)
			continue;
		sappend(b, sizeof(b), trace_ec[i].name);
		/*
		 * A context switch of a vCPU thread puts the vCPU and loses its
		 * FPU/LSX: each may add one reload that no guest can construct.
		 */
		if ((trace_ec[i].key == EC_FPDIS || trace_ec[i].key == EC_LSXDIS) &&
		    got > (uint64_t)w && got - (uint64_t)w <= vm->switches) {
			vm->fpu_reloads_switched += got - (uint64_t)w;
			continue;
		}
		if ((uint64_t)w != got)
			mismatch(vm, b, (uint64_t)w, got);
	}
	if (vm->tr_ecode[NTRACE_EC - 1])
		mismatch(vm, "traced ecode other", 0, vm->tr_ecode[NTRACE_EC - 1]);
	for (i = 0; i < 5; i++) {
		static const int gk[5] = { G_CPUCFG, G_CSR, G_IOCSR, G_IDLE, G_CACOP };
		char b[40] = "traced gspr ";

		sappend(b, sizeof(b), key_name[gk[i]]);
		if ((uint64_t)vm->expect[gk[i]] != vm->tr_gspr[i])
			mismatch(vm, b, (uint64_t)vm->expect[gk[i]], vm->tr_gspr[i]);
	}
	if (vm->tr_gspr_other)
		mismatch(vm, "traced gspr other", 0, vm->tr_gspr_other);
	for (j = 0; j < vm->nswcsr; j++) {
		const struct swcsr_count *c = &vm->swcsr[j];
		uint64_t rd = 0, wr = 0, xc = 0;
		char b[48] = "traced csr ";

		for (i = 0; i < vm->ntr_csr; i++)
			if (vm->tr_csr[i].csr == c->csr) {
				rd = vm->tr_csr[i].rd;
				wr = vm->tr_csr[i].wr;
				xc = vm->tr_csr[i].xchg;
			}
		sappend(b, sizeof(b), c->name);
		if (rd != (uint64_t)c->rd || wr != (uint64_t)c->wr || xc != (uint64_t)c->xchg)
			mismatch(vm, b, ((uint64_t)c->rd << 32) | ((uint64_t)c->wr << 16) |
				 (uint64_t)c->xchg, (rd << 32) | (wr << 16) | xc);
	}
}

static void json_traced(struct vm *vm)
{
	struct obuf *o = &out_json;
	static const char *const gn[5] = { "cpucfg", "csr", "iocsr", "idle", "cacop" };
	int i;

	ob_key(o, "traced");
	ob_chr(o, '{');
	ob_key(o, "ecode");
	ob_chr(o, '{');
	for (i = 0; i < NTRACE_EC; i++) {
		if (i)
			ob_chr(o, ',');
		ob_key(o, i < NTRACE_EC - 1 ? trace_ec[i].name : "other");
		ob_u64(o, vm->tr_ecode[i]);
	}
	ob_str(o, "},");
	ob_key(o, "gspr");
	ob_chr(o, '{');
	for (i = 0; i < 5; i++) {
		ob_key(o, gn[i]);
		ob_u64(o, vm->tr_gspr[i]);
		ob_chr(o, ',');
	}
	ob_key(o, "other");
	ob_u64(o, vm->tr_gspr_other);
	ob_str(o, "},");
	ob_key(o, "vpid_change");
	ob_u64(o, vm->tr_vpid);
	ob_chr(o, ',');
	ob_key(o, "thread_switches");
	ob_u64(o, vm->switches);
	ob_chr(o, ',');
	ob_key(o, "fpu_reloads_after_switch");
	ob_u64(o, vm->fpu_reloads_switched);
	ob_chr(o, ',');
	ob_key(o, "csr");
	ob_chr(o, '[');
	for (i = 0; i < vm->ntr_csr; i++) {
		if (i)
			ob_chr(o, ',');
		ob_chr(o, '{');
		ob_key(o, "csr");
		ob_chr(o, '"');
		ob_hex(o, vm->tr_csr[i].csr);
		ob_str(o, "\",");
		ob_key(o, "rd");
		ob_u64(o, vm->tr_csr[i].rd);
		ob_chr(o, ',');
		ob_key(o, "wr");
		ob_u64(o, vm->tr_csr[i].wr);
		ob_chr(o, ',');
		ob_key(o, "xchg");
		ob_u64(o, vm->tr_csr[i].xchg);
		ob_chr(o, '}');
	}
	ob_str(o, "]}");
}

/* ---- one scenario ------------------------------------------------------ */

static void watchdog_arm(uint64_t deadline);
static volatile const char *wd_phase = "running the guest";

static struct vcpu vcpu_pool[MAX_VCPUS];
static struct vm the_vm;

static void vm_destroy(struct vm *vm)
{
	int i;

	if (vm->s2_thread)
		join_thread(&vm->s2_ctid);

	for (i = 0; i < vm->nvcpus; i++) {
		struct vcpu *vc = &vm->vcpus[i];

		if (vc->run)
			sys_munmap(vc->run, run_size);
		if (vc->statsfd >= 0)
			sys_close(vc->statsfd);
		if (vc->fd > 0)
			sys_close(vc->fd);
	}
	if (vm->ram)
		sys_munmap(vm->ram, MAP_RAM_SIZE);
	if (vm->s2)
		sys_munmap(vm->s2, vm->s2_size);
	if (vm->fd >= 0)
		sys_close(vm->fd);
}

/* Returns 0 all good, 1 a wrong guest-visible result or count, 2 an error. */
static int run_scenario(const struct scenario *sc)
{
	struct vm *vm = &the_vm;
	uint64_t t0 = now_ns();
	size_t code_len = (size_t)(sc->code_end - sc->code);
	long ret;
	int i, rc;

	memset(vm, 0, sizeof(*vm));
	memset(vcpu_pool, 0, sizeof(vcpu_pool));
	vm->sc = sc;
	vm->fd = -1;
	vm->vcpus = vcpu_pool;
	if (expect_only) {
		/* the counts by construction only, for a host with LSX */
		vm->nvcpus = scenario_vcpus(sc);
		vm->has_lsx = true;
		cpucfg_val[2] = CPUCFG2_FP | CPUCFG2_FPSP | CPUCFG2_FPDP | CPUCFG2_FPVERS1 |
				CPUCFG2_LSX | CPUCFG2_LLFTP | CPUCFG2_LLFTPREV1;
		sc->expect(vm);
		json_scenario(vm, true, 0);
		return 0;
	}
	current_scenario = sc->name;
	wd_phase = "running the guest";
	watchdog_arm(t0 + timeout_ms * 1000000ull);

	ret = kio(kvm_fd, KVM_CREATE_VM, (void *)0);
	if (ret < 0) {
		VM_ERR(vm, "KVM_CREATE_VM", -ret);
		goto out;
	}
	vm->fd = (int)ret;
	vm->ram = map_anon(MAP_RAM_SIZE);
	if (!vm->ram) {
		VM_ERR(vm, "mmap guest RAM", ENOMEM);
		goto out;
	}
	memcpy(vm->ram, sc->code, code_len);
	if (set_memslot(vm, 0, 0, MAP_RAM_SIZE, vm->ram))
		goto out;
	for (i = 0; i < scenario_vcpus(sc); i++) {
		vm->nvcpus = i + 1;
		vcpu_pool[i].statsfd = -1;
		if (vcpu_create(vm, &vcpu_pool[i], i))
			goto out;
	}
	if (sc->setup && sc->setup(vm))
		goto out;
	sc->expect(vm);
	for (i = 0; i < vm->nvcpus; i++)
		if (stats_read(vm, &vm->vcpus[i], false))
			goto out;
	if (trace_on)
		trace_clear();
	sc->run(vm);
	for (i = 0; i < vm->nvcpus && !vm->err[0]; i++) {
		struct vcpu *vc = &vm->vcpus[i];

		if (vc->err[0]) {
			char b[260] = "vCPU ";

			sappend_u64(b, sizeof(b), (uint64_t)i, false);
			sappend(b, sizeof(b), ": ");
			sappend(b, sizeof(b), vc->err);
			VM_ERR(vm, b, 0);
		} else if (!vc->done) {
			VM_ERR(vm, "a vCPU stopped before the guest was done", 0);
		}
	}
	for (i = 0; i < vm->nvcpus; i++)
		stats_read(vm, &vm->vcpus[i], true);
	if (sc->post && !vm->err[0])
		sc->post(vm);
	check_counts(vm, vm->expect);
	check_stats(vm);
	check_logs(vm);
	check_results(vm);
	if (trace_on && !vm->err[0])
		trace_collect(vm);
out:
	rc = vm->err[0] ? 2 : vm->nmism ? 1 : 0;
	json_scenario(vm, rc == 0, (now_ns() - t0) / 1000000);
	if (vm->err[0]) {
		char b[300] = "";

		sappend(b, sizeof(b), sc->name);
		sappend(b, sizeof(b), ": ");
		sappend(b, sizeof(b), vm->err);
		err_line(b, NULL, 0);
	}
	wd_phase = "closing the VM (the guest was done; close() of its fds never returned)";
	vm_destroy(vm);
	watchdog_arm(0);
	return rc;
}

/* ---- watchdog ---------------------------------------------------------- */

/*
 * The watchdog sleeps on a futex until the scenario's deadline, and is woken
 * only when a scenario starts or ends: no periodic wakeups that would preempt
 * a vCPU thread (and so put the vCPU, which loses its FPU and VPID state).
 */
static volatile int wd_ctid;
static volatile int wd_gen;
static int main_tid;

/* Append the main thread's kernel stack (/proc, CONFIG_STACKTRACE) to b. */
static void main_stack(char *b, size_t size)
{
	char path[64] = "/proc/self/task/";
	char st[1024];
	long fd, n, i;

	sappend_u64(path, sizeof(path), (uint64_t)main_tid, false);
	sappend(path, sizeof(path), "/stack");
	fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return;
	n = sys_read((int)fd, st, sizeof(st) - 1);
	sys_close((int)fd);
	if (n <= 0)
		return;
	st[n] = 0;
	for (i = 0; i < n; i++)
		if (st[i] == '\n')
			st[i] = ' ';
	sappend(b, size, "; main thread kernel stack: ");
	sappend(b, size, st);
}

static void watchdog_arm(uint64_t deadline)
{
	__atomic_store_n(&deadline_ns, deadline, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&wd_gen, 1, __ATOMIC_SEQ_CST);
	sys_futex(&wd_gen, FUTEX_WAKE, 1, NULL);
}

static int watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		int g = __atomic_load_n(&wd_gen, __ATOMIC_SEQ_CST);
		uint64_t d = __atomic_load_n(&deadline_ns, __ATOMIC_SEQ_CST);
		uint64_t now = now_ns();
		struct timespec ts;

		if (!d) {
			sys_futex(&wd_gen, FUTEX_WAIT, g, NULL);
			continue;
		}
		if (now < d) {
			ts.tv_sec = (long)((d - now) / 1000000000ull);
			ts.tv_nsec = (long)((d - now) % 1000000000ull);
			sys_futex(&wd_gen, FUTEX_WAIT, g, &ts);
			continue;
		}
		if (g != __atomic_load_n(&wd_gen, __ATOMIC_SEQ_CST))
			continue;	/* re-armed meanwhile */
		{
			static char b[1400];

			b[0] = 0;
			sappend(b, sizeof(b), "timed out ");
			sappend(b, sizeof(b), (const char *)wd_phase);
			main_stack(b, sizeof(b));
			ob_str(&out_json, "{\"schema\":\"" VMM_SCHEMA "\",\"version\":1,\"scenario\":");
			ob_qstr(&out_json, (const char *)current_scenario);
			ob_str(&out_json, ",\"ok\":false,\"error\":");
			ob_qstr(&out_json, b);
			ob_str(&out_json, "}\n");
			ob_flush(&out_json);
			{
				static char l[1500];

				l[0] = 0;
				sappend(l, sizeof(l), (const char *)current_scenario);
				sappend(l, sizeof(l), ": ");
				sappend(l, sizeof(l), b);
				err_line(l, NULL, 0);
			}
		}
		sys_exit_group(3);
	}
	return 0;
}

/* ---- main -------------------------------------------------------------- */

static void usage(struct obuf *o)
{
	int i;

	ob_str(o,
"Usage: la-vmm [options] SCENARIO...   (or: la-vmm all)\n"
"       la-vmm boot --kernel VMLINUX [--cpus N] ...   (boot --help)\n"
"Runs LoongArch KVM guests whose exits are known by construction and prints\n"
"one JSON object per scenario (expected counts, KVM_RUN returns seen, guest\n"
"results, vCPU binary stats).  Needs /dev/kvm (a LoongArch LVZ host).\n"
"\n"
"  --timeout-ms MS     give up on a scenario after MS ms (default 120000)\n"
"  --vpid-vcpus N      vCPUs of the vpid scenario (default 256, max 256)\n"
"  --expect-only       print the expected counts and results (no KVM; assumes\n"
"                      LSX and the vpid vCPU count given)\n"
"  --trace             also count kvm_exit (per ecode), kvm_exit_gspr (per\n"
"                      kind, per CSR) and kvm_vpid_change in the instance\n"
"                      /sys/kernel/tracing/instances/la-vmm and compare them\n"
"                      with the expected counts (host interrupts excepted)\n"
"  --list              print the scenario names\n"
"  -h, --help          this text\n"
"\nScenarios:\n");
	for (i = 0; i < NSCEN; i++) {
		ob_str(o, "  ");
		ob_str(o, scenarios[i].name);
		ob_str(o, "\t");
		ob_str(o, scenarios[i].what);
		ob_chr(o, '\n');
	}
	ob_str(o, "\nExit status: 0 all scenarios as constructed, 1 a wrong count or\n"
		  "guest-visible result, 2 a failing ioctl or run, 3 timeout, 64 bad usage.\n"
		  "Report bugs: see README.md of the kvmla source, section \"Reporting bugs\".\n");
	ob_flush(o);
}

static unsigned long auxv_pagesz(char **envp)
{
	uint64_t *av;

	while (*envp)
		envp++;
	for (av = (uint64_t *)(envp + 1); av[0]; av += 2)
		if (av[0] == 6)		/* AT_PAGESZ */
			return (unsigned long)av[1];
	return 16384;
}

int boot_main(int argc, char **argv);	/* boot.c: la-vmm boot */

static int vmm_main(int argc, char **argv, char **envp)
{
	bool pick[NSCEN] = { false };
	bool any = false;
	int i, j, worst = 0;
	long ret;

	page_size = auxv_pagesz(envp);
	main_tid = (int)sys_gettid();
	if (argc > 1 && !strcmp(argv[1], "boot"))
		return boot_main(argc - 1, argv + 1);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		uint64_t v;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(&out_json);
			return 0;
		}
		if (!strcmp(a, "--trace")) {
			trace_on = true;
			continue;
		}
		if (!strcmp(a, "--expect-only")) {
			expect_only = true;
			continue;
		}
		if (!strcmp(a, "--list")) {
			for (j = 0; j < NSCEN; j++) {
				ob_str(&out_json, scenarios[j].name);
				ob_chr(&out_json, '\n');
			}
			ob_flush(&out_json);
			return 0;
		}
		if (!strcmp(a, "--timeout-ms") || !strcmp(a, "--vpid-vcpus")) {
			if (i + 1 >= argc || !parse_u64(argv[i + 1], &v) || !v) {
				err_line(a, " needs a positive number", 0);
				return 64;
			}
			if (a[2] == 't') {
				timeout_ms = v;
			} else {
				if (v > MAX_VCPUS) {
					err_line("--vpid-vcpus: at most 256", NULL, 0);
					return 64;
				}
				vpid_vcpus = (unsigned int)v;
			}
			i++;
			continue;
		}
		if (a[0] == '-') {
			err_line("unknown option ", a, 0);
			return 64;
		}
		if (!strcmp(a, "all")) {
			for (j = 0; j < NSCEN; j++)
				pick[j] = true;
			any = true;
			continue;
		}
		for (j = 0; j < NSCEN; j++)
			if (!strcmp(a, scenarios[j].name))
				break;
		if (j == NSCEN) {
			err_line("unknown scenario ", a, 0);
			return 64;
		}
		pick[j] = true;
		any = true;
	}
	if (!any) {
		err_line("no scenario given (try --help)", NULL, 0);
		return 64;
	}
	if (expect_only) {
		for (j = 0; j < NSCEN; j++)
			if (pick[j])
				run_scenario(&scenarios[j]);
		return 0;
	}

	ret = sys_openat(AT_FDCWD, "/dev/kvm", O_RDWR | O_CLOEXEC, 0);
	if (ret < 0) {
		err_line("open /dev/kvm", NULL, -ret);
		return 2;
	}
	kvm_fd = (int)ret;
	ret = kio(kvm_fd, KVM_GET_API_VERSION, NULL);
	if (ret != KVM_API_VERSION) {
		err_line(ret < 0 ? "KVM_GET_API_VERSION" : "KVM_GET_API_VERSION is not 12",
			 NULL, ret < 0 ? -ret : 0);
		return 2;
	}
	ret = kio(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (ret <= 0) {
		err_line("KVM_GET_VCPU_MMAP_SIZE", NULL, ret < 0 ? -ret : EINVAL);
		return 2;
	}
	run_size = (size_t)ret;
	ret = kio(kvm_fd, KVM_CHECK_EXTENSION, (void *)KVM_CAP_MAX_VCPUS);
	if (ret > 0 && (unsigned long)ret < vpid_vcpus)
		vpid_vcpus = (unsigned int)ret;

	if (trace_on && trace_setup())
		return 2;
	if (start_thread(&wd_ctid, watchdog, NULL) < 0) {
		err_line("clone the watchdog thread", NULL, 0);
		return 2;
	}
	for (j = 0; j < NSCEN; j++) {
		int rc;

		if (!pick[j])
			continue;
		rc = run_scenario(&scenarios[j]);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

/* Called from _start with the initial stack pointer. */
__attribute__((noreturn, used)) void la_main_entry(uint64_t *sp);
__attribute__((noreturn, used)) void la_main_entry(uint64_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	sys_prctl(PR_SET_NAME, (unsigned long)"la-vmm");
	sys_exit_group(vmm_main(argc, argv, envp));
}
