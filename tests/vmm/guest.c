// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla-vmm guest code generator: a handful of x86 instruction emitters and
 * the program built from them (see guest.h for the layout).
 *
 * Registers while the guest runs:
 *   %esi  this vCPU's control block    %edi  GUEST_MMIO_GPA
 *   %ebp  loop counter (32-bit)         %edx  port for IN/OUT
 */
#include <string.h>

#include "guest.h"

struct emit {
	uint8_t *buf;
	size_t cap, len;
	int overflow;
};

static void emit_bytes(struct emit *e, const void *p, size_t n)
{
	if (e->len + n > e->cap) {
		e->overflow = 1;
		return;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void emit1(struct emit *e, uint8_t b)
{
	emit_bytes(e, &b, 1);
}

static void emit32(struct emit *e, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	emit_bytes(e, b, 4);
}

/* Patches a rel8 displacement at 'at' so the jump lands on 'to'. */
static void patch_rel8(struct emit *e, size_t at, size_t to)
{
	if (!e->overflow)
		e->buf[at] = (uint8_t)(int8_t)((long)to - (long)(at + 1));
}

static void patch_rel32(struct emit *e, size_t at, size_t to)
{
	int32_t d = (int32_t)((long)to - (long)(at + 4));

	if (!e->overflow)
		memcpy(e->buf + at, &d, 4);
}

static void mov_edi_imm(struct emit *e, uint32_t v)	{ emit1(e, 0xbf); emit32(e, v); }
static void mov_edx_imm(struct emit *e, uint32_t v)	{ emit1(e, 0xba); emit32(e, v); }
/* mov ebp, [esi + d8] */
static void mov_ebp_esi_d8(struct emit *e, uint8_t d)	{ emit1(e, 0x8b); emit1(e, 0x6e); emit1(e, d); }
static void test_ebp_ebp(struct emit *e)		{ emit1(e, 0x85); emit1(e, 0xed); }
static void dec_ebp(struct emit *e)			{ emit1(e, 0x4d); }
/* cmp dword [esi], 0 */
static void cmp_mesi_0(struct emit *e)			{ emit1(e, 0x83); emit1(e, 0x3e); emit1(e, 0x00); }
/* dec dword [esi] */
static void dec_mesi(struct emit *e)			{ emit1(e, 0xff); emit1(e, 0x0e); }
static void ud2(struct emit *e)				{ emit1(e, 0x0f); emit1(e, 0x0b); }

/* Jumps with a displacement to patch later; return the patch offset. */
static size_t jz_rel8(struct emit *e)	{ emit1(e, 0x74); emit1(e, 0); return e->len - 1; }
static size_t jz_rel32(struct emit *e)	{ emit1(e, 0x0f); emit1(e, 0x84); emit32(e, 0); return e->len - 4; }
static size_t jmp_rel32(struct emit *e)	{ emit1(e, 0xe9); emit32(e, 0); return e->len - 4; }
static size_t jnz_rel8(struct emit *e)	{ emit1(e, 0x75); emit1(e, 0); return e->len - 1; }

/* The loop body for one exit of each kind. */
static void body(struct emit *e, enum vmm_kind k)
{
	static const uint8_t out_dx_al[] = { 0xee };
	static const uint8_t in_al_dx[] = { 0xec };
	static const uint8_t mov_medi_eax[] = { 0x89, 0x07 };
	static const uint8_t mov_eax_medi8[] = { 0x8b, 0x47, 0x08 };
	static const uint8_t hlt[] = { 0xf4 };
	/* xor eax,eax; cpuid; add dword [esi+lo],1; adc dword [esi+hi],0 */
	static const uint8_t xor_eax_cpuid[] = {
		0x31, 0xc0, 0x0f, 0xa2,
		0x83, 0x46, CTL_CPUID_OFF, 0x01,
		0x83, 0x56, CTL_CPUID_OFF + 4, 0x00,
	};

	switch (k) {
	case K_IO_OUT:     emit_bytes(e, out_dx_al, sizeof(out_dx_al)); break;
	case K_IO_IN:      emit_bytes(e, in_al_dx, sizeof(in_al_dx)); break;
	case K_MMIO_WRITE: emit_bytes(e, mov_medi_eax, sizeof(mov_medi_eax)); break;
	case K_MMIO_READ:  emit_bytes(e, mov_eax_medi8, sizeof(mov_eax_medi8)); break;
	case K_HLT:        emit_bytes(e, hlt, sizeof(hlt)); break;
	case K_CPUID:      emit_bytes(e, xor_eax_cpuid, sizeof(xor_eax_cpuid)); break;
	default:           e->overflow = 1; break;
	}
}

/* for (ebp = ctl->count[k]; ebp; ebp--) body(k); */
static void block(struct emit *e, enum vmm_kind k)
{
	size_t skip, again, top;

	if (k == K_IO_OUT)
		mov_edx_imm(e, GUEST_PORT_OUT);
	if (k == K_IO_IN)
		mov_edx_imm(e, GUEST_PORT_IN);
	mov_ebp_esi_d8(e, CTL_COUNT_OFF(k));
	test_ebp_ebp(e);
	skip = jz_rel8(e);
	top = e->len;
	body(e, k);
	dec_ebp(e);
	again = jnz_rel8(e);
	patch_rel8(e, again, top);
	patch_rel8(e, skip, e->len);
}

size_t guest_gen(uint8_t *buf, size_t cap, int loop)
{
	struct emit e = { .buf = buf, .cap = cap };
	size_t top, back, done[NKINDS];
	int rotations = loop ? 1 : NKINDS;

	mov_edi_imm(&e, GUEST_MMIO_GPA);
	top = e.len;
	for (int r = 0; r < rotations; r++) {
		if (!loop) {
			cmp_mesi_0(&e);
			done[r] = jz_rel32(&e);
		}
		for (int j = 0; j < NKINDS; j++)
			block(&e, (enum vmm_kind)((r + j) % NKINDS));
		if (!loop)
			dec_mesi(&e);
	}
	back = jmp_rel32(&e);
	patch_rel32(&e, back, top);
	if (!loop)
		for (int r = 0; r < rotations; r++)
			patch_rel32(&e, done[r], e.len);
	ud2(&e);
	return e.overflow ? 0 : e.len;
}
