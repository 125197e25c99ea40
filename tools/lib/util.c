// SPDX-License-Identifier: GPL-2.0
/* Small helpers: JSON keys, procfs VM/vCPU naming, log2 buckets. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kvmla-tools.h"

char *kvmla_json_key(char *dst, size_t size, const char *name)
{
	size_t n = 0;
	bool sep = false;

	if (!size)
		return dst;
	for (const char *p = name; *p && n + 1 < size; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (sep && n && n + 2 < size)
				dst[n++] = '_';
			sep = false;
			dst[n++] = c;
		} else {
			sep = true;
		}
	}
	dst[n] = '\0';
	return dst;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1) {
		n = read(fd, buf + total, size - 1 - total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

int kvmla_proc_vm_name(pid_t pid, char *buf, size_t size)
{
	char path[64], cmd[8192];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_file(path, cmd, sizeof(cmd));
	if (n < 0)
		return (int)n;
	for (ssize_t i = 0; i < n;) {
		const char *arg = cmd + i;
		size_t len = strlen(arg);

		if ((!strcmp(arg, "-name") || !strcmp(arg, "--name")) && i + (ssize_t)len + 1 < n) {
			const char *v = arg + len + 1;
			const char *g = strstr(v, "guest=");
			size_t l;

			if (g)	/* libvirt: -name guest=NAME,debug-threads=on */
				v = g + 6;
			l = strcspn(v, ",");
			if (l >= size)
				l = size - 1;
			memcpy(buf, v, l);
			buf[l] = '\0';
			return 0;
		}
		i += len + 1;
	}
	return -ENOENT;
}

int kvmla_proc_thread_name(pid_t pid, pid_t tid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	n = read_file(path, buf, size);
	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int kvmla_vcpu_from_thread_name(const char *comm)
{
	char *end;
	long v;

	if (strncmp(comm, "CPU ", 4))
		return -1;
	v = strtol(comm + 4, &end, 10);
	if (end == comm + 4 || strcmp(end, "/KVM") || v < 0 || v > 65535)
		return -1;
	return (int)v;
}

char *kvmla_proc_stat(pid_t pid, char *buf, size_t size)
{
	char path[64], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, size) <= 0)
		return NULL;
	/* "pid (comm) state ...": comm may hold spaces and parentheses */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] ? p + 2 : NULL;
}

bool kvmla_proc_alive(pid_t pid)
{
	char buf[512], *p = kvmla_proc_stat(pid, buf, sizeof(buf));

	/* a zombie or dead task is not alive */
	return p && *p != 'Z' && *p != 'X';
}

bool kvmla_proc_kthread(pid_t pid, char *comm, size_t size)
{
	char buf[512], *open_p, *p = kvmla_proc_stat(pid, buf, sizeof(buf));

	/* "state ppid pgrp session tty_nr tpgid flags ...": flags is the 7th */
	for (int field = 1; field < 7 && p; field++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	if (!p || !(strtoul(p, NULL, 10) & 0x00200000))	/* PF_KTHREAD */
		return false;
	open_p = strchr(buf, '(');
	if (comm && size && open_p) {
		size_t n = (size_t)(strrchr(buf, ')') - open_p - 1);

		if (n >= size)
			n = size - 1;
		memcpy(comm, open_p + 1, n);
		comm[n] = '\0';
	}
	return true;
}

bool kvmla_proc_has_kvm_vm(pid_t pid)
{
	char path[64], fd[320], link[64];
	struct dirent *d;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		snprintf(fd, sizeof(fd), "%s/%s", path, d->d_name);
		n = readlink(fd, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = !strcmp(link, "anon_inode:kvm-vm");
	}
	closedir(dir);
	return found;
}

unsigned int kvmla_log2_bucket(unsigned long long v)
{
	unsigned int b = 0;

	while (v > 1) {
		v >>= 1;
		b++;
	}
	return b;
}
