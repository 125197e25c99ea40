// SPDX-License-Identifier: GPL-2.0
/*
 * late-name: a KVM process whose vCPU thread names itself "CPU 0/KVM" only
 * 150 ms after it appears, as a new thread that a loaded machine does not
 * schedule at once; then it runs KVM_RUN once.  `trace-viewer record` must
 * still learn the name (and the vcpu_id in it).  Prints the thread's tid.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int vm;

static void *vcpu_thread(void *arg)
{
	int fd;

	(void)arg;
	printf("%ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	usleep(150000);
	pthread_setname_np(pthread_self(), "CPU 0/KVM");
	fd = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (fd >= 0)
		ioctl(fd, KVM_RUN, 0);	/* no memory: fails, but KVM_RUN was entered */
	return NULL;
}

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	pthread_t t;

	if (kvm < 0 || (vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0) {
		perror("late-name: /dev/kvm");
		return 1;
	}
	usleep(100000);		/* the recorder's scan sees the VM first */
	if (pthread_create(&t, NULL, vcpu_thread, NULL))
		return 1;
	pthread_join(t, NULL);
	usleep(200000);
	return 0;
}
