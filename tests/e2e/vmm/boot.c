// SPDX-License-Identifier: GPL-2.0
/*
 * `la-vmm boot`: boots a LoongArch Linux 6.12 kernel (an ELF vmlinux) under
 * /dev/kvm.  See docs/e2e-boot.md.
 *
 * The guest-physical map (all below the 256 MiB low-memory boundary):
 *
 *   0x00000000  RAM (memslot 0, --mem MiB, at most 256)
 *     0x000000    bootap: where every vCPU but the first waits (guests/bootap.S)
 *     0x001000    boottrap: the early exception entry (guests/boottrap.S)
 *     0x100000    EFI system table, vendor string, 2 config tables
 *     0x101000    command line (a1)
 *     0x110000    efi_boot_memmap + one conventional-memory descriptor
 *     0x120000    FDT (at most 64 KiB: the kernel maps that much)
 *     0x200000    the kernel (its PT_LOAD segments at their physical addresses)
 *   0x100e0000  poweroff register (syscon; the FDT's syscon-poweroff writes 0x34)
 *   0x1fe001e0  16550 UART (THR to stdout, LSR always ready)
 *
 * The first 2 MiB are memblock-reserved by the kernel itself (mem.c), so the
 * boot data and the waiting loop survive.  The entry contract
 * (arch/loongarch/kernel/head.S, env.c, efi.c): a0 = 1 (EFI boot),
 * a1 = command line, a2 = EFI system table, all physical; the system table's
 * config tables give the FDT (DEVICE_TREE_GUID) and the memory map
 * (LINUX_EFI_BOOT_MEMMAP_GUID); PC = the ELF entry's physical address in
 * direct-address mode (head.S sets its windows and jumps to the cached one).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <linux/kvm.h>
#include <linux/mman.h>
#include <linux/fcntl.h>
#include <linux/sched.h>
#include <linux/time.h>
#include <linux/signal.h>
#include <asm-generic/errno.h>

#include "lib.h"
#include "sys.h"
#include "la.h"

#define B_MAX_VCPUS	4
#define B_STACK		(64 * 1024)
#define B_PA_MASK	0xffffffffffffull	/* PALEN 48 */

#define GPA_AP		0x000000ull
#define GPA_TRAP	0x001000ull
#define GPA_SYSTAB	0x100000ull
#define GPA_CMDLINE	0x101000ull
#define GPA_MEMMAP	0x110000ull
#define GPA_FDT		0x120000ull
#define FDT_MAX		0x10000u
#define GPA_KERNEL_MIN	0x200000ull
#define GPA_POWER	0x100e0000ull
#define GPA_UART	0x1fe001e0ull
#define UART_SIZE	0x100u
#define POWER_SIZE	0x100u
#define POWER_VALUE	0x34u

/* More CSRs (arch/loongarch/include/asm/loongarch.h) */
#define CSR_STLBPS	0x1e
#define CSR_TLBRENTRY	0x88
#define CSR_MERRENTRY	0x93

/* IOCSR (loongarch.h) */
#define IOCSR_FEATURES	0x8
#define IOCSR_VENDOR	0x10
#define IOCSR_CPUNAME	0x20
#define IOCSR_IPI_STATUS 0x1000
#define IOCSR_IPI_EN	0x1004
#define IOCSR_IPI_SET	0x1008
#define IOCSR_IPI_CLEAR	0x100c
#define IOCSR_MBUF0	0x1020
#define IOCSR_MBUF_END	0x1040
#define IOCSR_IPI_SEND	0x1040
#define IOCSR_MBUF_SEND	0x1048
#define IOCSR_ANY_SEND	0x1158
#define IOCSRF_CSRIPI	(1u << 4)
#define IOCSRF_VM	(1u << 11)
#define INT_IPI		12

extern const uint8_t guest_bootap[], guest_bootap_end[];
extern const uint8_t guest_boottrap[], guest_boottrap_end[];

struct bvcpu {
	int idx;
	int fd;
	int statsfd;
	struct kvm_run *run;
	volatile int ctid;
	/* the IOCSR IPI block of this vCPU (others write it: atomics) */
	uint32_t ipi_status, ipi_en;
	uint64_t mbuf[4];
	/* KVM_RUN returns by exit reason */
	uint64_t ex_mmio, ex_iocsr, ex_intr, ex_other, runs;
	uint64_t irq_calls;
	uint64_t trap[6];	/* boottrap: ESTAT ERA BADV TLBRERA TLBRBADV CRMD */
	bool trapped;
	/* at a timeout: the registers, read by the vCPU's own thread */
	int tid;
	volatile int out;	/* left its KVM_RUN loop for good */
	volatile int dumped;
	uint64_t dump[18];	/* pc ra, then the CSRs of vcpu_dump() */
	char err[160];
};

static struct {
	int kvm, vm;
	size_t run_size;
	uint8_t *ram;
	uint64_t ram_size;
	int ncpus;
	struct bvcpu cpu[B_MAX_VCPUS];
	volatile int stop;		/* 1 poweroff, 2 error */
	volatile int dump_req;
	volatile int uart_lock;
	uint8_t uart_ier, uart_lcr, uart_mcr, uart_scr, uart_dll, uart_dlm;
	char out[4096];
	size_t outlen;
	uint64_t uart_bytes, mmio_unknown, iocsr_unknown, ipis_sent;
	uint64_t t0;
	uint64_t timeout_ms;
} B;

/* ---- small helpers ----------------------------------------------------- */

static void b_err(const char *a, const char *b, long err)
{
	ob_str(&out_err, "la-vmm: boot: ");
	ob_str(&out_err, a);
	if (b)
		ob_str(&out_err, b);
	if (err) {
		const char *n = errno_name(err);

		ob_str(&out_err, ": ");
		if (n) {
			ob_str(&out_err, n);
		} else {
			ob_str(&out_err, "errno ");
			ob_u64(&out_err, (uint64_t)err);
		}
	}
	ob_chr(&out_err, '\n');
	ob_flush(&out_err);
}

static void vc_err(struct bvcpu *vc, const char *what, long err)
{
	const char *n = err ? errno_name(err) : NULL;
	size_t i = 0;
	const char *s;

	for (s = what; *s && i < sizeof(vc->err) - 24; s++)
		vc->err[i++] = *s;
	if (err) {
		vc->err[i++] = ':';
		vc->err[i++] = ' ';
		for (s = n ? n : "errno ?"; *s && i < sizeof(vc->err) - 1; s++)
			vc->err[i++] = *s;
	}
	vc->err[i] = 0;
	B.stop = 2;
}

static long kio(int fd, unsigned long req, const void *arg)
{
	return sys_ioctl(fd, req, (unsigned long)arg);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	sys_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void lock(volatile int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (*l)
			;
}

static void unlock(volatile int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static void *map_anon(size_t len)
{
	long r = sys_mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return r < 0 && r > -4096 ? NULL : (void *)r;
}

/* ---- the FDT builder ----------------------------------------------------
 * A flattened device tree, version 17: a 40-byte header, an empty memory
 * reservation map, the structure block (BEGIN_NODE / PROP / END_NODE
 * tokens, big-endian, 4-byte aligned) and the strings block.
 */
#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1u
#define FDT_END_NODE	2u
#define FDT_PROP	3u
#define FDT_END		9u

struct fdt {
	uint8_t st[12288];
	uint32_t stlen;
	char str[2048];
	uint32_t strlen;
	bool overflow;
};

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void fdt_raw(struct fdt *f, const void *d, uint32_t n)
{
	if (f->stlen + n + 3 > sizeof(f->st)) {
		f->overflow = true;
		return;
	}
	memcpy(f->st + f->stlen, d, n);
	f->stlen += n;
	while (f->stlen & 3)
		f->st[f->stlen++] = 0;
}

static void fdt_tok(struct fdt *f, uint32_t t)
{
	uint8_t b[4];

	be32(b, t);
	fdt_raw(f, b, 4);
}

static uint32_t fdt_string(struct fdt *f, const char *s)
{
	uint32_t off = 0, n = (uint32_t)strlen(s) + 1;

	while (off < f->strlen) {	/* reuse a name already there */
		if (!strcmp(f->str + off, s))
			return off;
		off += (uint32_t)strlen(f->str + off) + 1;
	}
	if (f->strlen + n > sizeof(f->str)) {
		f->overflow = true;
		return 0;
	}
	memcpy(f->str + f->strlen, s, n);
	off = f->strlen;
	f->strlen += n;
	return off;
}

static void fdt_begin(struct fdt *f, const char *name)
{
	fdt_tok(f, FDT_BEGIN_NODE);
	fdt_raw(f, name, (uint32_t)strlen(name) + 1);
}

static void fdt_end(struct fdt *f)
{
	fdt_tok(f, FDT_END_NODE);
}

static void fdt_prop(struct fdt *f, const char *name, const void *v, uint32_t n)
{
	fdt_tok(f, FDT_PROP);
	fdt_tok(f, n);
	fdt_tok(f, fdt_string(f, name));
	if (n)
		fdt_raw(f, v, n);
}

static void fdt_str(struct fdt *f, const char *name, const char *v)
{
	fdt_prop(f, name, v, (uint32_t)strlen(v) + 1);
}

/* A list of 32-bit cells. */
static void fdt_cells(struct fdt *f, const char *name, const uint32_t *c, int n)
{
	uint8_t b[64];
	int i;

	for (i = 0; i < n && i < 16; i++)
		be32(b + 4 * i, c[i]);
	fdt_prop(f, name, b, (uint32_t)(4 * i));
}

static void fdt_u32(struct fdt *f, const char *name, uint32_t v)
{
	fdt_cells(f, name, &v, 1);
}

/* reg = <addr size> with #address-cells = #size-cells = 2 */
static void fdt_reg2(struct fdt *f, uint64_t addr, uint64_t size)
{
	uint32_t c[4] = { (uint32_t)(addr >> 32), (uint32_t)addr,
			  (uint32_t)(size >> 32), (uint32_t)size };

	fdt_cells(f, "reg", c, 4);
}

/* Writes the blob to dst (at most max bytes); returns its size, 0 if too big. */
static uint32_t fdt_finish(struct fdt *f, uint8_t *dst, uint32_t max)
{
	uint32_t off_rsv = 40, off_st = off_rsv + 16, off_str, total;

	fdt_tok(f, FDT_END);
	off_str = off_st + f->stlen;
	total = off_str + f->strlen;
	if (f->overflow || total > max)
		return 0;
	memset(dst, 0, total);
	be32(dst + 0, FDT_MAGIC);
	be32(dst + 4, total);
	be32(dst + 8, off_st);
	be32(dst + 12, off_str);
	be32(dst + 16, off_rsv);
	be32(dst + 20, 17);		/* version */
	be32(dst + 24, 16);		/* last compatible version */
	be32(dst + 28, 0);		/* boot CPU */
	be32(dst + 32, f->strlen);
	be32(dst + 36, f->stlen);
	memcpy(dst + off_st, f->st, f->stlen);
	memcpy(dst + off_str, f->str, f->strlen);
	return total;
}

#define PH_CPUIC	1
#define PH_SYSCON	2

static uint32_t build_fdt(uint8_t *dst, const char *cmdline)
{
	static struct fdt f;
	char name[24];
	int i;

	memset(&f, 0, sizeof(f));
	fdt_begin(&f, "");
	fdt_u32(&f, "#address-cells", 2);
	fdt_u32(&f, "#size-cells", 2);
	fdt_str(&f, "compatible", "kvmla,la-vmm");
	fdt_str(&f, "model", "kvmla la-vmm boot");

	fdt_begin(&f, "chosen");
	fdt_str(&f, "bootargs", cmdline);
	fdt_str(&f, "stdout-path", "/serial@1fe001e0");
	fdt_end(&f);

	fdt_begin(&f, "memory@0");
	fdt_str(&f, "device_type", "memory");
	fdt_reg2(&f, 0, B.ram_size);
	fdt_end(&f);

	fdt_begin(&f, "cpus");
	fdt_u32(&f, "#address-cells", 1);
	fdt_u32(&f, "#size-cells", 0);
	for (i = 0; i < B.ncpus; i++) {
		name[0] = 0;
		memcpy(name, "cpu@", 5);
		name[4] = (char)('0' + i);
		name[5] = 0;
		fdt_begin(&f, name);
		fdt_str(&f, "device_type", "cpu");
		fdt_str(&f, "compatible", "loongarch,Loongson-3A5000");
		fdt_u32(&f, "reg", (uint32_t)i);
		fdt_end(&f);
	}
	fdt_end(&f);

	/* The CPU's own interrupt controller: the timer and the IPIs. */
	fdt_begin(&f, "cpuic");
	fdt_str(&f, "compatible", "loongson,cpu-interrupt-controller");
	fdt_prop(&f, "interrupt-controller", NULL, 0);
	fdt_u32(&f, "#address-cells", 0);
	fdt_u32(&f, "#interrupt-cells", 1);
	fdt_u32(&f, "phandle", PH_CPUIC);
	fdt_end(&f);

	/* No interrupts property: the 8250 driver polls. */
	fdt_begin(&f, "serial@1fe001e0");
	fdt_str(&f, "compatible", "ns16550a");
	fdt_reg2(&f, GPA_UART, UART_SIZE);
	fdt_u32(&f, "clock-frequency", 100000000);
	fdt_end(&f);

	fdt_begin(&f, "syscon@100e0000");
	fdt_str(&f, "compatible", "syscon");
	fdt_reg2(&f, GPA_POWER, POWER_SIZE);
	fdt_u32(&f, "reg-io-width", 4);
	fdt_u32(&f, "phandle", PH_SYSCON);
	fdt_end(&f);

	fdt_begin(&f, "poweroff");
	fdt_str(&f, "compatible", "syscon-poweroff");
	fdt_u32(&f, "regmap", PH_SYSCON);
	fdt_u32(&f, "offset", 0);
	fdt_u32(&f, "value", POWER_VALUE);
	fdt_end(&f);

	fdt_end(&f);
	return fdt_finish(&f, dst, FDT_MAX);
}

/* ---- the EFI system table ---------------------------------------------- */

static void put64(uint64_t gpa, uint64_t v) { memcpy(B.ram + gpa, &v, 8); }
static void put32(uint64_t gpa, uint32_t v) { memcpy(B.ram + gpa, &v, 4); }

/* An EFI GUID as the kernel's EFI_GUID() lays it out (little-endian fields). */
static void put_guid(uint64_t gpa, uint32_t a, uint16_t b, uint16_t c, const uint8_t d[8])
{
	put32(gpa, a);
	memcpy(B.ram + gpa + 4, &b, 2);
	memcpy(B.ram + gpa + 6, &c, 2);
	memcpy(B.ram + gpa + 8, d, 8);
}

#define EFI_SYSTAB_SIG		0x5453595320494249ull	/* "IBI SYST" */
#define EFI_CONVENTIONAL	7u
#define EFI_MEMORY_WB		0x8ull
#define EFI_PAGE		4096ull

static void build_efi(void)
{
	static const uint8_t fdt_guid[8] = { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 };
	static const uint8_t mm_guid[8] = { 0xa2, 0x93, 0x96, 0x5c, 0x3c, 0x6f, 0xe2, 0xb4 };
	static const char vendor[] = "kvmla la-vmm";
	uint64_t st = GPA_SYSTAB, tab = st + 0x100, ven = st + 0x80;
	uint64_t mm = GPA_MEMMAP;
	unsigned int i;

	/* efi_system_table_64_t (include/linux/efi.h): 120 bytes */
	memset(B.ram + st, 0, 0x1000);
	put64(st + 0, EFI_SYSTAB_SIG);
	put32(st + 8, (2u << 16) | 70u);	/* revision 2.70 */
	put32(st + 12, 120);			/* header size */
	put64(st + 24, ven);			/* fw_vendor, UCS-2 */
	put32(st + 32, 1);			/* fw_revision */
	put64(st + 104, 2);			/* nr_tables */
	put64(st + 112, tab);			/* tables */
	for (i = 0; i < sizeof(vendor); i++) {
		uint16_t c = (uint8_t)vendor[i];

		memcpy(B.ram + ven + 2 * i, &c, 2);
	}
	/* efi_config_table_64_t: GUID + address */
	put_guid(tab, 0xb1b621d5, 0xf19c, 0x41a5, fdt_guid);	/* DEVICE_TREE_GUID */
	put64(tab + 16, GPA_FDT);
	put_guid(tab + 24, 0x800f683f, 0xd08b, 0x423a, mm_guid); /* LINUX_EFI_BOOT_MEMMAP_GUID */
	put64(tab + 40, mm);

	/* struct efi_boot_memmap (40 bytes) + efi_memory_desc_t (40 bytes) */
	memset(B.ram + mm, 0, 0x1000);
	put64(mm + 0, 40);			/* map_size: one descriptor */
	put64(mm + 8, 40);			/* desc_size */
	put32(mm + 16, 1);			/* desc_ver */
	put64(mm + 32, 40);			/* buff_size */
	put32(mm + 40, EFI_CONVENTIONAL);	/* type */
	put64(mm + 48, 0);			/* phys_addr */
	put64(mm + 56, 0);			/* virt_addr */
	put64(mm + 64, B.ram_size / EFI_PAGE);	/* num_pages */
	put64(mm + 72, EFI_MEMORY_WB);		/* attribute */
}

/* ---- the kernel -------------------------------------------------------- */

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define EM_LOONGARCH	258
#define PT_LOAD		1

/* Loads the ELF's PT_LOAD segments; returns the entry's physical address or 0. */
static uint64_t load_kernel(const char *path, uint64_t *lo_out, uint64_t *hi_out)
{
	struct elf64_ehdr eh;
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0), n;
	uint64_t lo = ~0ull, hi = 0;
	int i;

	if (fd < 0) {
		b_err("open ", path, -fd);
		return 0;
	}
	n = sys_pread((int)fd, &eh, sizeof(eh), 0);
	if (n != (long)sizeof(eh) || memcmp(eh.ident, "\177ELF", 4) || eh.ident[4] != 2 ||
	    eh.ident[5] != 1 || eh.machine != EM_LOONGARCH ||
	    eh.phentsize != sizeof(struct elf64_phdr) || !eh.phnum) {
		b_err(path, " is not a 64-bit little-endian LoongArch ELF (give the vmlinux)", 0);
		sys_close((int)fd);
		return 0;
	}
	for (i = 0; i < eh.phnum; i++) {
		struct elf64_phdr ph;
		uint64_t pa;

		n = sys_pread((int)fd, &ph, sizeof(ph), (long)(eh.phoff + (uint64_t)i * sizeof(ph)));
		if (n != (long)sizeof(ph)) {
			b_err(path, ": short program header", 0);
			sys_close((int)fd);
			return 0;
		}
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		pa = ph.paddr & B_PA_MASK;
		if (pa < GPA_KERNEL_MIN || ph.filesz > ph.memsz ||
		    pa + ph.memsz > B.ram_size) {
			b_err(path, ": a PT_LOAD segment does not fit guest RAM from 2 MiB (use more --mem)", 0);
			sys_close((int)fd);
			return 0;
		}
		n = sys_pread((int)fd, B.ram + pa, ph.filesz, (long)ph.offset);
		if (n != (long)ph.filesz) {
			b_err(path, ": short read of a segment", n < 0 ? -n : 0);
			sys_close((int)fd);
			return 0;
		}
		if (pa < lo)
			lo = pa;
		if (pa + ph.memsz > hi)
			hi = pa + ph.memsz;
	}
	sys_close((int)fd);
	if (!hi || (eh.entry & B_PA_MASK) < lo || (eh.entry & B_PA_MASK) >= hi) {
		b_err(path, ": no PT_LOAD segment holds the entry point", 0);
		return 0;
	}
	*lo_out = lo;
	*hi_out = hi;
	return eh.entry & B_PA_MASK;
}

/* ---- devices: UART, poweroff, IOCSR ------------------------------------ */

static void uart_flush_locked(void)
{
	if (B.outlen)
		sys_write(1, B.out, B.outlen);
	B.outlen = 0;
}

static uint8_t uart_access(uint32_t off, bool wr, uint8_t v)
{
	uint8_t r = 0;

	lock(&B.uart_lock);
	switch (off) {
	case 0:
		if (B.uart_lcr & 0x80) {
			if (wr)
				B.uart_dll = v;
			r = B.uart_dll;
		} else if (wr) {
			B.out[B.outlen++] = (char)v;
			B.uart_bytes++;
			if (v == '\n' || B.outlen == sizeof(B.out))
				uart_flush_locked();
		}
		break;
	case 1:
		if (B.uart_lcr & 0x80) {
			if (wr)
				B.uart_dlm = v;
			r = B.uart_dlm;
		} else {
			if (wr)
				B.uart_ier = v & 0x0f;
			r = B.uart_ier;
		}
		break;
	case 2:		/* IIR (FIFOs on); FCR writes are ignored */
		r = (B.uart_ier & 0x02) ? 0xc2 : 0xc1;	/* THR empty, or nothing */
		break;
	case 3:
		if (wr)
			B.uart_lcr = v;
		r = B.uart_lcr;
		break;
	case 4:
		if (wr)
			B.uart_mcr = v;
		r = B.uart_mcr;
		break;
	case 5:
		r = 0x60;	/* LSR: THRE | TEMT, no data */
		break;
	case 6:		/* MSR: DCD | DSR | CTS; in loopback the MCR lines */
		if (B.uart_mcr & 0x10)
			r = (uint8_t)(((B.uart_mcr & 0x02) << 3) | ((B.uart_mcr & 0x01) << 5) |
				      ((B.uart_mcr & 0x04) << 4) | ((B.uart_mcr & 0x08) << 4));
		else
			r = 0xb0;
		break;
	case 7:
		if (wr)
			B.uart_scr = v;
		r = B.uart_scr;
		break;
	}
	unlock(&B.uart_lock);
	return r;
}

static void on_mmio(struct bvcpu *vc)
{
	struct kvm_run *r = vc->run;
	uint64_t a = r->mmio.phys_addr, v = 0;

	if (r->mmio.is_write)
		memcpy(&v, r->mmio.data, r->mmio.len <= 8 ? r->mmio.len : 8);
	if (a >= GPA_UART && a < GPA_UART + 8) {
		v = uart_access((uint32_t)(a - GPA_UART), r->mmio.is_write, (uint8_t)v);
	} else if (a >= GPA_UART && a < GPA_UART + UART_SIZE) {
		v = 0;
	} else if (a >= GPA_POWER && a < GPA_POWER + POWER_SIZE) {
		if (r->mmio.is_write && a == GPA_POWER && (uint32_t)v == POWER_VALUE) {
			B.stop = 1;
			return;
		}
		if (r->mmio.is_write && a >= GPA_POWER + 0x40 && a < GPA_POWER + 0x70) {
			vc->trap[(a - GPA_POWER - 0x40) / 8] = v;
			if (a == GPA_POWER + 0x68) {
				vc->trapped = true;
				vc_err(vc, "early guest exception (see trap)", 0);
			}
			return;
		}
		v = 0;
	} else {
		__atomic_fetch_add(&B.mmio_unknown, 1, __ATOMIC_RELAXED);
		v = 0;
	}
	if (!r->mmio.is_write)
		memcpy(r->mmio.data, &v, 8);
}

static void kvm_irq(struct bvcpu *vc, int irq)
{
	struct kvm_interrupt k = { .irq = (uint32_t)irq };
	long ret = kio(vc->fd, KVM_INTERRUPT, &k);

	__atomic_fetch_add(&vc->irq_calls, 1, __ATOMIC_RELAXED);
	if (ret < 0)
		vc_err(vc, "KVM_INTERRUPT", -ret);
}

/* An IPI action bit for vCPU t: raise INT_IPI when it becomes pending. */
static void ipi_set(struct bvcpu *t, uint32_t bits)
{
	uint32_t old = __atomic_fetch_or(&t->ipi_status, bits, __ATOMIC_SEQ_CST);

	__atomic_fetch_add(&B.ipis_sent, 1, __ATOMIC_RELAXED);
	if (!old && bits)
		kvm_irq(t, INT_IPI);
}

static void ipi_clear(struct bvcpu *t, uint32_t bits)
{
	uint32_t old = __atomic_fetch_and(&t->ipi_status, ~bits, __ATOMIC_SEQ_CST);

	if (old && !(old & ~bits))
		kvm_irq(t, -INT_IPI);
}

/* Write len bytes of v at IOCSR address a of vCPU t's IPI block. */
static void ipi_block_write(struct bvcpu *t, uint64_t a, uint64_t v, uint32_t len)
{
	if (a >= IOCSR_MBUF0 && a + len <= IOCSR_MBUF_END) {
		uint8_t *p = (uint8_t *)t->mbuf + (a - IOCSR_MBUF0);

		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		memcpy(p, &v, len);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	} else if (a == IOCSR_IPI_EN) {
		t->ipi_en = (uint32_t)v;
	} else if (a == IOCSR_IPI_SET) {
		ipi_set(t, (uint32_t)v);
	} else if (a == IOCSR_IPI_CLEAR) {
		ipi_clear(t, (uint32_t)v);
	}
}

static struct bvcpu *cpu_of(uint64_t id)
{
	return id < (uint64_t)B.ncpus ? &B.cpu[id] : NULL;
}

static void on_iocsr(struct bvcpu *vc)
{
	struct kvm_run *r = vc->run;
	uint64_t a = r->iocsr_io.phys_addr, v = 0;
	uint32_t len = r->iocsr_io.len;
	struct bvcpu *t;

	if (r->iocsr_io.is_write) {
		memcpy(&v, r->iocsr_io.data, len <= 8 ? len : 8);
		switch (a) {
		case IOCSR_IPI_SEND:	/* bits 4:0 action, 25:16 CPU */
			t = cpu_of((v >> 16) & 0x3ff);
			if (t)
				ipi_set(t, 1u << (v & 0x1f));
			return;
		case IOCSR_MBUF_SEND:	/* bits 4:2 word, 25:16 CPU, 63:32 data */
			t = cpu_of((v >> 16) & 0x3ff);
			if (t)
				ipi_block_write(t, IOCSR_MBUF0 + 4 * ((v >> 2) & 7),
						v >> 32, 4);
			return;
		case IOCSR_ANY_SEND: {	/* 15:0 addr, 25:16 CPU, 30:27 byte mask, 63:32 data */
			uint32_t mask = (uint32_t)(v >> 27) & 0xf, d = (uint32_t)(v >> 32);
			uint64_t addr = v & 0xffff;
			int b;

			t = cpu_of((v >> 16) & 0x3ff);
			if (!t)
				return;
			for (b = 0; b < 4; b++)		/* a set mask bit keeps the byte */
				if (!(mask & (1u << b)))
					ipi_block_write(t, addr + (uint64_t)b,
							(d >> (8 * b)) & 0xff, 1);
			return;
		}
		default:
			if ((a >= IOCSR_IPI_STATUS && a < IOCSR_MBUF_END)) {
				ipi_block_write(vc, a, v, len);
				return;
			}
			__atomic_fetch_add(&B.iocsr_unknown, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	switch (a) {
	case IOCSR_FEATURES:
		v = IOCSRF_CSRIPI | IOCSRF_VM;
		break;
	case IOCSR_VENDOR:
		memcpy(&v, "Loongson", 8);
		break;
	case IOCSR_CPUNAME:
		memcpy(&v, "3A5000\0\0", 8);
		break;
	case IOCSR_IPI_STATUS:
		v = __atomic_load_n(&vc->ipi_status, __ATOMIC_SEQ_CST);
		break;
	case IOCSR_IPI_EN:
		v = vc->ipi_en;
		break;
	default:
		if (a >= IOCSR_MBUF0 && a + len <= IOCSR_MBUF_END) {
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			memcpy(&v, (uint8_t *)vc->mbuf + (a - IOCSR_MBUF0), len);
		} else {
			__atomic_fetch_add(&B.iocsr_unknown, 1, __ATOMIC_RELAXED);
		}
		break;
	}
	memcpy(r->iocsr_io.data, &v, 8);
}

/* ---- vCPUs ------------------------------------------------------------- */

static int set_reg(struct bvcpu *vc, uint64_t id, uint64_t val, const char *what)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };
	long ret = kio(vc->fd, KVM_SET_ONE_REG, &r);

	if (ret < 0) {
		b_err("KVM_SET_ONE_REG ", what, -ret);
		return -1;
	}
	return 0;
}

/*
 * STLBPS at reset: the smallest page size PRCFG2 offers (4 KiB), as QEMU's
 * kvm target puts it.  kvm.ko's own copy starts at 0 and is what vcpu_load
 * writes into the guest CSR; a guest whose own STLBPS write is lost (the
 * emulated LVZ host: QEMU's csrwr of STLBPS keeps the old value) would then
 * run with PS 0, which makes every tlbfill a no-op and its TLB refill
 * endless.  See docs/e2e-boot.md.
 */
#define STLBPS_RESET	12

/*
 * The read-only configuration CSRs of the LA464 the emulated host models
 * (QEMU's reset values; field layout in loongarch.h), put like QEMU's kvm
 * target does: a kvm.ko that writes its copies into the guest CSRs on load
 * must not hand the guest zeros (PRCFG2 = 0 would reject every page size).
 */
#define PRCFG1_VAL	(8u | (0x2fu << 4) | (7u << 12))	/* SAVE_NUM, TIMER_BITS, VSMAX */
#define PRCFG2_VAL	0x3ffff000u				/* page sizes 4 KiB..512 MiB */
#define PRCFG3_VAL	(2u | (63u << 4) | (7u << 12) | (8u << 20))	/* STLB+MTLB, 64 MTLB, 8 ways, 256 sets */
#define CSR_PRCFG1	0x21
#define CSR_PRCFG2	0x22
#define CSR_PRCFG3	0x23

/* The CPUCFG words (as la-vmm's scenarios: a LA464 with a 100 MHz timer). */
static uint32_t b_cpucfg[21] = {
	[0] = 0x0014c010, [1] = 0x03f2f2fe, [3] = 0x00000003,
	[4] = 100000000, [5] = 0x00010001, [16] = 0x0000a5a5, [20] = 0x00060c3c,
};

static int vcpu_setup(struct bvcpu *vc, int idx, uint64_t pc, uint64_t a0,
		      uint64_t a1, uint64_t a2)
{
	struct kvm_regs regs;
	uint64_t pv = PV_FEATURE_IPI, mask = 0;
	struct kvm_device_attr pva = {
		.group = KVM_LOONGARCH_VCPU_CPUCFG, .attr = CPUCFG_KVM_FEATURE,
		.addr = (uint64_t)(uintptr_t)&pv,
	};
	struct kvm_device_attr c2a = {
		.group = KVM_LOONGARCH_VCPU_CPUCFG, .attr = 2,
		.addr = (uint64_t)(uintptr_t)&mask,
	};
	long ret;
	int i;

	vc->idx = idx;
	ret = kio(B.vm, KVM_CREATE_VCPU, (void *)(uintptr_t)idx);
	if (ret < 0) {
		b_err("KVM_CREATE_VCPU", NULL, -ret);
		return -1;
	}
	vc->fd = (int)ret;
	ret = sys_mmap(NULL, B.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vc->fd, 0);
	if (ret < 0 && ret > -4096) {
		b_err("mmap kvm_run", NULL, -ret);
		return -1;
	}
	vc->run = (struct kvm_run *)ret;
	if (set_reg(vc, KVM_REG_LOONGARCH_VCPU_RESET, 0, "VCPU_RESET"))
		return -1;
	ret = kio(vc->fd, KVM_GET_DEVICE_ATTR, &c2a);
	if (ret < 0) {
		b_err("KVM_GET_DEVICE_ATTR vCPU CPUCFG 2", NULL, -ret);
		return -1;
	}
	b_cpucfg[2] = (uint32_t)mask & (CPUCFG2_FP | CPUCFG2_FPSP | CPUCFG2_FPDP |
		      CPUCFG2_FPVERS1 | CPUCFG2_LSX | CPUCFG2_LLFTP | CPUCFG2_LLFTPREV1);
	for (i = 0; i < 21; i++)
		if (set_reg(vc, KVM_IOC_CPUCFG(i), b_cpucfg[i], "CPUCFG"))
			return -1;
	ret = kio(vc->fd, KVM_SET_DEVICE_ATTR, &pva);
	if (ret < 0) {
		b_err("KVM_SET_DEVICE_ATTR vCPU CPUCFG 0x40000004 (pv features)", NULL, -ret);
		return -1;
	}
	/* Direct address mode, PLV0, interrupts off: the firmware's hand-over. */
	if (set_reg(vc, KVM_IOC_CSRID(CSR_CRMD), 0xa8, "CSR CRMD") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_EUEN), 0, "CSR EUEN") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_ECFG), 0, "CSR ECFG") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_ESTAT), 0, "CSR ESTAT") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_EENTRY), GPA_TRAP, "CSR EENTRY") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_TLBRENTRY), GPA_TRAP, "CSR TLBRENTRY") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_MERRENTRY), GPA_TRAP, "CSR MERRENTRY") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_IMPCTL1), 0x1b1b, "CSR IMPCTL1") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_CPUID), (uint64_t)idx, "CSR CPUID") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_STLBPS), STLBPS_RESET, "CSR STLBPS") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_PRCFG1), PRCFG1_VAL, "CSR PRCFG1") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_PRCFG2), PRCFG2_VAL, "CSR PRCFG2") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_PRCFG3), PRCFG3_VAL, "CSR PRCFG3") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_TVAL), 0, "CSR TVAL") ||
	    set_reg(vc, KVM_IOC_CSRID(CSR_TCFG), 0, "CSR TCFG"))
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.pc = pc;
	regs.gpr[4] = a0;
	regs.gpr[5] = a1;
	regs.gpr[6] = a2;
	ret = kio(vc->fd, KVM_SET_REGS, &regs);
	if (ret < 0) {
		b_err("KVM_SET_REGS", NULL, -ret);
		return -1;
	}
	ret = kio(vc->fd, KVM_GET_STATS_FD, NULL);
	vc->statsfd = ret < 0 ? -1 : (int)ret;	/* optional: the summary's kvm_stats */
	return 0;
}

static void report(const char *why);

/*
 * Take every other vCPU out of KVM_RUN for good (immediate_exit, and a
 * signal for one asleep in a halt), so that the binary stats read next count
 * exactly the exits the trace holds: a vCPU still running would add exits
 * after its stats were read.  Gives up on one after a second.
 */
static void stop_others(struct bvcpu *self)
{
	long pid = sys0(__NR_getpid);

	if (!B.stop)
		B.stop = 2;
	for (int i = 0; i < B.ncpus; i++) {
		struct bvcpu *vc = &B.cpu[i];

		if (vc == self || !vc->tid)
			continue;
		vc->run->immediate_exit = 1;
		for (int t = 0; t < 100 && !vc->out; t++) {
			sys3(__NR_tgkill, pid, vc->tid, SIGUSR1);
			sys_nanosleep(&(struct timespec){ .tv_nsec = 10000000 });
		}
	}
}

/* The first thread to see the end stops the others, reports it and ends
 * the process. */
static void finish(struct bvcpu *self)
{
	static volatile int once;
	int i;

	if (__atomic_exchange_n(&once, 1, __ATOMIC_SEQ_CST)) {
		for (;;)
			sys_nanosleep(&(struct timespec){ .tv_sec = 1000 });
	}
	stop_others(self);
	if (B.stop == 1) {
		report("poweroff");
		sys_exit_group(0);
	}
	for (i = 0; i < B.ncpus; i++)
		if (B.cpu[i].err[0])
			b_err(B.cpu[i].err, NULL, 0);
	report("error");
	sys_exit_group(2);
}

static void get_reg(struct bvcpu *vc, uint64_t id, uint64_t *v)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)v };

	if (kio(vc->fd, KVM_GET_ONE_REG, &r) < 0)
		*v = ~0ull;
}

/* Called by the vCPU's thread when the watchdog's signal ended KVM_RUN. */
static void vcpu_dump(struct bvcpu *vc)
{
	static const unsigned int csr[16] = { 0x6, 0x5, 0x7, 0x0, 0x1, 0xc,
					      0x8a, 0x89, 0x8e, 0x88,
					      0x18, 0x1a, 0x1c, 0x1d, 0x1e, 0x22 };
	struct kvm_regs regs;
	int i;

	if (kio(vc->fd, KVM_GET_REGS, &regs) == 0) {
		vc->dump[0] = regs.pc;
		vc->dump[1] = regs.gpr[1];
	}
	for (i = 0; i < 16; i++)
		get_reg(vc, KVM_IOC_CSRID(csr[i]), &vc->dump[2 + i]);
	vc->dumped = 1;
}

static int vcpu_loop(void *arg)
{
	struct bvcpu *vc = arg;

	vc->tid = (int)sys_gettid();
	while (!B.stop) {
		long ret = kio(vc->fd, KVM_RUN, NULL);

		vc->runs++;
		if (ret < 0) {
			if (ret == -EINTR || ret == -EAGAIN) {
				vc->ex_intr++;
				if (B.dump_req && !vc->dumped)
					vcpu_dump(vc);
				continue;
			}
			vc_err(vc, "KVM_RUN", -ret);
			break;
		}
		switch (vc->run->exit_reason) {
		case KVM_EXIT_MMIO:
			vc->ex_mmio++;
			on_mmio(vc);
			break;
		case KVM_EXIT_LOONGARCH_IOCSR:
			vc->ex_iocsr++;
			on_iocsr(vc);
			break;
		case KVM_EXIT_INTR:
			vc->ex_intr++;
			break;
		default:
			vc->ex_other++;
			vc_err(vc, "unexpected KVM_RUN exit reason", 0);
			break;
		}
	}
	vc->out = 1;
	finish(vc);
	return 0;
}

/* ---- vCPU binary stats -------------------------------------------------- */

#define BSTATS_MAX	48

static struct {
	char name[48];
	uint64_t sum;
} bstats[BSTATS_MAX];
static int nbstats;

/*
 * Sum every 1-value vCPU stat (KVM_GET_STATS_FD) over the vCPUs, by name.
 * The vCPUs start at 0 for this VM, so the values are the boot's.
 */
static void stats_collect(void)
{
	static uint8_t descbuf[16384];
	struct kvm_stats_header h;
	int c;

	for (c = 0; c < B.ncpus; c++) {
		int fd = B.cpu[c].statsfd;
		uint32_t i, dsz;

		if (fd <= 0 || sys_pread(fd, &h, sizeof(h), 0) != (long)sizeof(h))
			continue;
		dsz = (uint32_t)sizeof(struct kvm_stats_desc) + h.name_size;
		if ((uint64_t)dsz * h.num_desc > sizeof(descbuf) || h.name_size > 200 ||
		    sys_pread(fd, descbuf, dsz * h.num_desc, h.desc_offset) != (long)(dsz * h.num_desc))
			continue;
		for (i = 0; i < h.num_desc; i++) {
			struct kvm_stats_desc *d = (void *)(descbuf + (size_t)i * dsz);
			uint64_t v;
			int k;

			if (d->size != 1 || sys_pread(fd, &v, 8, h.data_offset + d->offset) != 8)
				continue;
			for (k = 0; k < nbstats; k++)
				if (!strncmp(bstats[k].name, d->name, 47))
					break;
			if (k == nbstats) {
				if (nbstats == BSTATS_MAX)
					continue;
				memcpy(bstats[k].name, d->name, h.name_size < 47 ? h.name_size : 47);
				nbstats++;
			}
			bstats[k].sum += v;
		}
	}
}

/* ---- report and main --------------------------------------------------- */

static void report(const char *why)
{
	struct obuf *o = &out_err;
	uint64_t ms = (now_ns() - B.t0) / 1000000;
	int i;

	/* A vCPU stopped in the middle of a printk leaves an unfinished line:
	 * end it, so that the summary starts a line of its own. */
	lock(&B.uart_lock);
	if (B.outlen && B.out[B.outlen - 1] != '\n') {
		if (B.outlen == sizeof(B.out))
			uart_flush_locked();
		B.out[B.outlen++] = '\n';
	}
	uart_flush_locked();
	unlock(&B.uart_lock);
	ob_str(o, "{\"schema\":\"kvmla-la-vmm-boot\",\"version\":1,\"result\":");
	ob_qstr(o, why);
	ob_str(o, ",\"cpus\":");
	ob_u64(o, (uint64_t)B.ncpus);
	ob_str(o, ",\"mem_mib\":");
	ob_u64(o, B.ram_size >> 20);
	ob_str(o, ",\"ms\":");
	ob_u64(o, ms);
	ob_str(o, ",\"uart_bytes\":");
	ob_u64(o, B.uart_bytes);
	ob_str(o, ",\"ipis\":");
	ob_u64(o, B.ipis_sent);
	ob_str(o, ",\"mmio_unknown\":");
	ob_u64(o, B.mmio_unknown);
	ob_str(o, ",\"iocsr_unknown\":");
	ob_u64(o, B.iocsr_unknown);
	stats_collect();
	ob_str(o, ",\"kvm_stats\":{");
	for (i = 0; i < nbstats; i++) {
		if (i)
			ob_chr(o, ',');
		ob_key(o, bstats[i].name);
		ob_u64(o, bstats[i].sum);
	}
	ob_str(o, "},\"vcpus\":[");
	for (i = 0; i < B.ncpus; i++) {
		struct bvcpu *vc = &B.cpu[i];

		if (i)
			ob_chr(o, ',');
		ob_str(o, "{\"runs\":");
		ob_u64(o, vc->runs);
		ob_str(o, ",\"mmio\":");
		ob_u64(o, vc->ex_mmio);
		ob_str(o, ",\"iocsr\":");
		ob_u64(o, vc->ex_iocsr);
		ob_str(o, ",\"intr\":");
		ob_u64(o, vc->ex_intr);
		ob_str(o, ",\"other\":");
		ob_u64(o, vc->ex_other);
		ob_str(o, ",\"kvm_interrupt\":");
		ob_u64(o, vc->irq_calls);
		if (vc->dumped) {
			static const char *const dn[18] = { "pc", "ra", "era", "estat",
							    "badv", "crmd", "prmd", "eentry",
							    "tlbrera", "tlbrbadv", "tlbrehi",
							    "tlbrentry", "asid", "pgdh", "pwcl",
							    "pwch", "stlbps", "prcfg2" };
			int k;

			ob_str(o, ",\"regs\":{");
			for (k = 0; k < 18; k++) {
				if (k)
					ob_chr(o, ',');
				ob_key(o, dn[k]);
				ob_chr(o, '"');
				ob_hex(o, vc->dump[k]);
				ob_chr(o, '"');
			}
			ob_chr(o, '}');
		}
		if (vc->trapped) {
			static const char *const tn[6] = { "estat", "era", "badv",
							   "tlbrera", "tlbrbadv", "crmd" };
			int k;

			ob_str(o, ",\"trap\":{");
			for (k = 0; k < 6; k++) {
				if (k)
					ob_chr(o, ',');
				ob_key(o, tn[k]);
				ob_chr(o, '"');
				ob_hex(o, vc->trap[k]);
				ob_chr(o, '"');
			}
			ob_chr(o, '}');
		}
		if (vc->err[0]) {
			ob_str(o, ",\"error\":");
			ob_qstr(o, vc->err);
		}
		ob_chr(o, '}');
	}
	ob_str(o, "]}\n");
	ob_flush(o);
}

static int watchdog(void *arg)
{
	uint64_t ms = B.timeout_ms;
	struct timespec ts = { .tv_sec = (long)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	struct timespec grace = { .tv_sec = 2 };
	long pid = sys0(__NR_getpid);
	int i;

	(void)arg;
	while (sys_nanosleep(&ts) == -EINTR)
		;
	/* Kick every vCPU out of KVM_RUN so that it reads its registers. */
	B.dump_req = 1;
	for (i = 0; i < B.ncpus; i++)
		if (B.cpu[i].tid)
			sys3(__NR_tgkill, pid, B.cpu[i].tid, SIGUSR1);
	sys_nanosleep(&grace);
	report("timeout");
	b_err("the guest did not power off in time", NULL, 0);
	sys_exit_group(3);
	return 0;
}

static int start_thread(volatile int *ctid, int (*fn)(void *), void *arg)
{
	return thread_start(ctid, map_anon(B_STACK), B_STACK, fn, arg);
}

static void on_signal(int sig)
{
	(void)sig;
}

static void boot_usage(struct obuf *o)
{
	ob_str(o,
"Usage: la-vmm boot --kernel VMLINUX [--cpus N] [--mem MIB] [--cmdline S]\n"
"                   [--timeout-ms MS]\n"
"Boots a LoongArch Linux kernel (ELF vmlinux) under /dev/kvm: EFI system\n"
"table + FDT + memory map, a 16550 UART (to stdout) and the IOCSR IPI block.\n"
"Exits 0 when the guest powers off (its syscon-poweroff register).\n"
"  --cpus N        vCPUs, 1..4 (default 1)\n"
"  --mem MIB       guest RAM at GPA 0, 16..256 (default 128)\n"
"  --cmdline S     kernel command line (default: console=ttyS0\n"
"                  earlycon=uart8250,mmio,0x1fe001e0 rdinit=/init)\n"
"  --timeout-ms MS give up after MS ms (default 240000): exit 3\n"
"  --dump-fdt FILE write the FDT to FILE and exit (no KVM)\n"
"The last line on stderr is a JSON summary (schema kvmla-la-vmm-boot).\n"
"Exit status: 0 powered off, 2 a failing ioctl or load, 3 timeout, 64 bad usage.\n");
	ob_flush(o);
}

int boot_main(int argc, char **argv);
int boot_main(int argc, char **argv)
{
	const char *kernel = NULL, *dump = NULL;
	uint32_t fdt_size;
	const char *cmdline = "console=ttyS0 rdinit=/init";
	uint64_t cpus = 1, mem = 128, entry, klo = 0, khi = 0;
	size_t aplen = (size_t)(guest_bootap_end - guest_bootap);
	struct kvm_userspace_memory_region slot;
	static volatile int wd_ctid;
	long ret;
	int i;

	struct sigaction sa = { .sa_handler = on_signal };

	B.timeout_ms = 240000;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			boot_usage(&out_json);
			return 0;
		}
		if (i + 1 >= argc) {
			b_err(a, ": unknown option or missing value (see boot --help)", 0);
			return 64;
		}
		if (!strcmp(a, "--kernel")) {
			kernel = argv[++i];
		} else if (!strcmp(a, "--dump-fdt")) {
			dump = argv[++i];
		} else if (!strcmp(a, "--cmdline")) {
			cmdline = argv[++i];
		} else if (!strcmp(a, "--cpus")) {
			if (!parse_u64(argv[++i], &cpus) || !cpus || cpus > B_MAX_VCPUS) {
				b_err("--cpus takes 1..4, not ", argv[i], 0);
				return 64;
			}
		} else if (!strcmp(a, "--mem")) {
			if (!parse_u64(argv[++i], &mem) || mem < 16 || mem > 256) {
				b_err("--mem takes 16..256 (MiB), not ", argv[i], 0);
				return 64;
			}
		} else if (!strcmp(a, "--timeout-ms")) {
			if (!parse_u64(argv[++i], &B.timeout_ms) || !B.timeout_ms) {
				b_err("--timeout-ms takes a positive number, not ", argv[i], 0);
				return 64;
			}
		} else {
			b_err("unknown option ", a, 0);
			return 64;
		}
	}
	if (!kernel) {
		b_err("--kernel FILE is required (see boot --help)", NULL, 0);
		return 64;
	}
	if (strlen(cmdline) >= 2048) {
		b_err("--cmdline is longer than 2047 bytes", NULL, 0);
		return 64;
	}
	B.ncpus = (int)cpus;
	B.ram_size = mem << 20;
	B.t0 = now_ns();

	B.ram = map_anon(B.ram_size);
	if (!B.ram) {
		b_err("cannot map guest RAM", NULL, ENOMEM);
		return 2;
	}
	entry = load_kernel(kernel, &klo, &khi);
	if (!entry)
		return 2;
	memcpy(B.ram + GPA_AP, guest_bootap, aplen);
	memcpy(B.ram + GPA_TRAP, guest_boottrap, (size_t)(guest_boottrap_end - guest_boottrap));
	memcpy(B.ram + GPA_CMDLINE, cmdline, strlen(cmdline) + 1);
	fdt_size = build_fdt(B.ram + GPA_FDT, cmdline);
	if (!fdt_size) {
		b_err("the FDT does not fit in 64 KiB", NULL, 0);
		return 2;
	}
	build_efi();
	if (dump) {	/* the FDT only, for dtc (tests/la-vmm) */
		long fd = sys_openat(AT_FDCWD, dump, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || sys_write((int)fd, B.ram + GPA_FDT, fdt_size) != (long)fdt_size) {
			b_err("cannot write ", dump, fd < 0 ? -fd : EIO);
			return 2;
		}
		sys_close((int)fd);
		return 0;
	}

	ret = sys_openat(AT_FDCWD, "/dev/kvm", O_RDWR | O_CLOEXEC, 0);
	if (ret < 0) {
		b_err("open /dev/kvm", NULL, -ret);
		return 2;
	}
	B.kvm = (int)ret;
	ret = kio(B.kvm, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (ret <= 0) {
		b_err("KVM_GET_VCPU_MMAP_SIZE", NULL, ret < 0 ? -ret : EINVAL);
		return 2;
	}
	B.run_size = (size_t)ret;
	ret = kio(B.kvm, KVM_CREATE_VM, (void *)0);
	if (ret < 0) {
		b_err("KVM_CREATE_VM", NULL, -ret);
		return 2;
	}
	B.vm = (int)ret;
	slot = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = B.ram_size,
		.userspace_addr = (uint64_t)(uintptr_t)B.ram,
	};
	ret = kio(B.vm, KVM_SET_USER_MEMORY_REGION, &slot);
	if (ret < 0) {
		b_err("KVM_SET_USER_MEMORY_REGION", NULL, -ret);
		return 2;
	}
	for (i = 0; i < B.ncpus; i++) {
		int rc = i ? vcpu_setup(&B.cpu[i], i, GPA_AP, (uint64_t)i, 0, 0)
			   : vcpu_setup(&B.cpu[0], 0, entry, 1, GPA_CMDLINE, GPA_SYSTAB);

		if (rc)
			return 2;
	}
	sys4(__NR_rt_sigaction, SIGUSR1, &sa, NULL, 8);
	if (start_thread(&wd_ctid, watchdog, NULL) < 0) {
		b_err("clone the watchdog thread", NULL, 0);
		return 2;
	}
	for (i = 1; i < B.ncpus; i++)
		if (start_thread(&B.cpu[i].ctid, vcpu_loop, &B.cpu[i]) < 0) {
			b_err("clone a vCPU thread", NULL, 0);
			return 2;
		}
	vcpu_loop(&B.cpu[0]);	/* does not return */
	return 2;
}
