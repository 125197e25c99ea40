/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla guest CSRs: the one table that says who keeps each CSR number,
 * the software CSR file of a vCPU and the fields of ESTAT.
 *
 * Included after struct kvm_vcpu is complete (kvmla.h does it).
 */
#ifndef KVMLA_KVM_CSR_H
#define KVMLA_KVM_CSR_H

/*
 * Who keeps a guest CSR (kvmla_csr_classes[], vcpu.c, from gcsr-list.h).
 * ONE_REG refuses KVMLA_CSR_UNSUPPORTED numbers; a trapped guest access to
 * one reads 0 and writes nothing.
 */
enum kvmla_csr_class {
	KVMLA_CSR_UNSUPPORTED = 0,
	KVMLA_CSR_HW,			/* LVZ hardware (timer CSRs included) */
	KVMLA_CSR_SW,			/* emulated in vcpu->arch.gcsr[] */
	KVMLA_CSR_PMU,			/* emulated, performance counters */
};

/* One entry per CSR number below KVMLA_GCSR_SLOTS, built at compile time. */
extern const u8 kvmla_csr_classes[KVMLA_GCSR_SLOTS];

static inline int kvmla_csr_class(unsigned int csr)
{
	return csr < KVMLA_GCSR_SLOTS ? kvmla_csr_classes[csr] :
					KVMLA_CSR_UNSUPPORTED;
}

/* The software CSR file of a vCPU. */
static inline u64 kvmla_csr_sw_get(struct kvm_vcpu *vcpu, unsigned int csr)
{
	return vcpu->arch.gcsr[csr];
}

static inline void kvmla_csr_sw_set(struct kvm_vcpu *vcpu, unsigned int csr,
				    u64 val)
{
	vcpu->arch.gcsr[csr] = val;
}

/* ESTAT.Ecode and ESTAT.EsubCode of an ESTAT value. */
static inline unsigned int kvmla_csr_estat_ecode(u64 estat)
{
	return (estat & CSR_ESTAT_EXC) >> CSR_ESTAT_EXC_SHIFT;
}

static inline unsigned int kvmla_csr_estat_esubcode(u64 estat)
{
	return (estat & CSR_ESTAT_ESUBCODE) >> CSR_ESTAT_ESUBCODE_SHIFT;
}

/* ESTAT bits 9:2 are the hardware interrupt lines, kept in GINTC. */
#define KVMLA_ESTAT_HWI_SHIFT	2
#define KVMLA_ESTAT_HWI		(0xffUL << KVMLA_ESTAT_HWI_SHIFT)

#endif /* KVMLA_KVM_CSR_H */
