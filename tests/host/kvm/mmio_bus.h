/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel gives kvm/exit.c beyond the shim: SRCU and an MMIO bus
 * (ioeventfd, coalesced MMIO) that claims the next fx_bus_claims accesses
 * while it holds any device (fx_bus_devices).
 * Include before kvm/exit.c (test_exit.c and the fuzzer).
 */
#ifndef KVMLA_TEST_MMIO_BUS_H
#define KVMLA_TEST_MMIO_BUS_H

#ifndef srcu_read_lock
#define srcu_read_lock(s)		0
#define srcu_read_unlock(s, i)		((void)(i))
#endif
#define KVM_MMIO_BUS			0
static int fx_bus_devices = 1;		/* devices on the bus (0: none) */
static int fx_bus_claims;		/* the bus claims this many accesses */
static u64 fx_bus_val;			/* value a claimed read returns */
static u8 fx_bus_written[8];
static int fx_bus_write(gpa_t addr, int len, const void *val)
{
	if (!fx_bus_claims)
		return -EOPNOTSUPP;
	fx_bus_claims--;
	memcpy(fx_bus_written, val, len);
	return 0;
}
static int fx_bus_read(gpa_t addr, int len, void *val)
{
	if (!fx_bus_claims)
		return -EOPNOTSUPP;
	fx_bus_claims--;
	memcpy(val, &fx_bus_val, len);
	return 0;
}
#define kvmla_mmio_bus_has_devices(kvm)	(fx_bus_devices != 0)
#define kvm_io_bus_write(v, b, a, l, p)	fx_bus_write(a, l, p)
#define kvm_io_bus_read(v, b, a, l, p)	fx_bus_read(a, l, p)

#endif /* KVMLA_TEST_MMIO_BUS_H */
