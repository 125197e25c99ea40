// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the LoongArch e2e *guest* kernel (built into its initramfs by
 * scripts/build-la-guest.sh).  Static, no libc, raw syscalls.
 *
 * It counts the online CPUs twice -- from /sys/devices/system/cpu/online
 * and from sched_getaffinity() (the kernel ANDs the mask with the active
 * CPUs) -- writes one marker line to /dev/kmsg, which the kernel's console
 * prints synchronously (the tty on fd 1 is polled by the IRQ-less 8250 and
 * would still be sending when the machine powers off):
 *
 *     KVMLA-GUEST-INIT-OK cpus=N online=LIST
 *
 * (N from sysfs when it is readable, else from the affinity mask; "?" when
 * both fail) and powers the machine off.
 */
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/reboot.h>

typedef unsigned long size_t;

static long sc5(long nr, long a, long b, long c, long d, long e)
{
	register long r7 __asm__("$a7") = nr;
	register long r0 __asm__("$a0") = a;
	register long r1 __asm__("$a1") = b;
	register long r2 __asm__("$a2") = c;
	register long r3 __asm__("$a3") = d;
	register long r4 __asm__("$a4") = e;

	__asm__ volatile("syscall 0"
			 : "+r"(r0)
			 : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4)
			 : "memory", "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6",
			   "$t7", "$t8");
	return r0;
}

#define SC(n, a, b, c, d) sc5(n, (long)(a), (long)(b), (long)(c), (long)(d), 0)

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void out(int fd, const char *s)
{
	SC(__NR_write, fd, s, slen(s), 0);
}

/* Number of CPUs in a list such as "0-1,3\n"; -1 when it does not parse. */
static int count_list(const char *s)
{
	int n = 0;

	while (*s >= '0' && *s <= '9') {
		long a = 0, b;

		while (*s >= '0' && *s <= '9')
			a = a * 10 + (*s++ - '0');
		b = a;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return -1;
			b = 0;
			while (*s >= '0' && *s <= '9')
				b = b * 10 + (*s++ - '0');
		}
		if (b < a)
			return -1;
		n += (int)(b - a + 1);
		if (*s == ',')
			s++;
	}
	return (*s == '\n' || *s == 0) && n > 0 ? n : -1;
}

static char *put_num(char *p, long v)
{
	char t[24];
	int i = 0;

	if (v < 0) {
		*p++ = '?';
		return p;
	}
	do
		t[i++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (i)
		*p++ = t[--i];
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

void _start_c(void)
{
	static char online[64], line[160];
	unsigned long mask[4] = { 0 };
	int n_sys = -1, n_aff = -1;
	long fd, r;
	char *p;
	unsigned int i;

	SC(__NR_mkdirat, AT_FDCWD, "/sys", 0755, 0);
	SC(__NR_mount, "sysfs", "/sys", "sysfs", 0);	/* data (a4) = 0 */
	fd = SC(__NR_openat, AT_FDCWD, "/sys/devices/system/cpu/online", O_RDONLY, 0);
	if (fd >= 0) {
		r = SC(__NR_read, fd, online, sizeof(online) - 1, 0);
		if (r > 0) {
			online[r] = 0;
			n_sys = count_list(online);
			if (online[r - 1] == '\n')
				online[r - 1] = 0;
		}
		SC(__NR_close, fd, 0, 0, 0);
	}
	r = SC(__NR_sched_getaffinity, 0, sizeof(mask), mask, 0);
	if (r > 0) {
		n_aff = 0;
		for (i = 0; i < 4; i++)
			n_aff += __builtin_popcountl(mask[i]);
	}

	p = put_str(line, "KVMLA-GUEST-INIT-OK cpus=");
	p = put_num(p, n_sys >= 0 ? n_sys : n_aff);
	p = put_str(p, " online=");
	p = put_str(p, online[0] ? online : "?");
	p = put_str(p, " affinity=");
	p = put_num(p, n_aff);
	*p++ = '\n';
	*p = 0;
	fd = SC(__NR_openat, AT_FDCWD, "/dev/kmsg", O_WRONLY, 0);
	if (fd >= 0) {
		out((int)fd, line);
		SC(__NR_close, fd, 0, 0, 0);
	}

	SC(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
	   LINUX_REBOOT_CMD_POWER_OFF, 0);
	for (;;)
		SC(__NR_exit, 0, 0, 0, 0);
}

__asm__(".globl _start\n"
	"_start:\n"
	"	bl _start_c\n");
