/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw LoongArch64 Linux system calls for la-vmm and the e2e host's /init
 * (tests/e2e/init/init.c; no libc).  The ABI:
 * number in a7, arguments in a0..a5, "syscall 0", result in a0
 * (-4095..-1 is -errno).
 */
#ifndef LA_VMM_SYS_H
#define LA_VMM_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <asm/unistd.h>

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long a7 __asm__("$a7") = n;
	register long a0 __asm__("$a0") = a;
	register long a1 __asm__("$a1") = b;
	register long a2 __asm__("$a2") = c;
	register long a3 __asm__("$a3") = d;
	register long a4 __asm__("$a4") = e;
	register long a5 __asm__("$a5") = f;

	__asm__ volatile("syscall 0"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6",
			   "$t7", "$t8", "memory");
	return a0;
}

#define sys0(n)			sys6((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a)		sys6((n), (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b)		sys6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c)	sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d)	sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e)	\
	sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

static inline long sys_read(int fd, void *buf, size_t n)
{ return sys3(__NR_read, fd, buf, n); }
static inline long sys_mkdirat(int dfd, const char *path, int mode)
{ return sys3(__NR_mkdirat, dfd, path, mode); }
static inline long sys_write(int fd, const void *buf, size_t n)
{ return sys3(__NR_write, fd, buf, n); }
static inline long sys_openat(int dfd, const char *path, int flags, int mode)
{ return sys4(__NR_openat, dfd, path, flags, mode); }
static inline long sys_close(int fd) { return sys1(__NR_close, fd); }
static inline long sys_ioctl(int fd, unsigned long req, unsigned long arg)
{ return sys3(__NR_ioctl, fd, req, arg); }
static inline long sys_pread(int fd, void *buf, size_t n, long off)
{ return sys4(__NR_pread64, fd, buf, n, off); }
static inline long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{ return sys6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, off); }
static inline long sys_munmap(void *addr, size_t len)
{ return sys2(__NR_munmap, addr, len); }
static inline long sys_mremap(void *old, size_t olen, size_t nlen, int flags, void *naddr)
{ return sys6(__NR_mremap, (long)old, (long)olen, (long)nlen, flags, (long)naddr, 0); }
static inline long sys_futex(volatile int *uaddr, int op, int val, const void *ts)
{ return sys4(__NR_futex, uaddr, op, val, ts); }
static inline long sys_gettid(void) { return sys0(__NR_gettid); }
static inline long sys_sched_setaffinity(int pid, size_t len, const void *mask)
{ return sys3(__NR_sched_setaffinity, pid, len, mask); }
static inline long sys_clock_gettime(int clk, void *ts)
{ return sys2(__NR_clock_gettime, clk, ts); }
static inline long sys_nanosleep(const void *req)
{ return sys2(__NR_nanosleep, req, 0); }
static inline long sys_prctl(int op, unsigned long a)
{ return sys2(__NR_prctl, op, a); }
static inline __attribute__((noreturn)) void sys_exit_group(int code)
{
	for (;;)
		sys1(__NR_exit_group, code);
}

#endif
