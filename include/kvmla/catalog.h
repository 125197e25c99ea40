/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog umbrella: include this one header.
 *
 *   exits.h   ecodes, subcodes, interrupts, GSPR kinds, KVM_EXIT_* reasons
 *   csr.h     CSR numbers and names
 *   events.h  tracepoint names, fields and value lists (the tracepoint ABI)
 *   abi.h     JSON schema names/versions and shared limits
 */
#ifndef KVMLA_CATALOG_H
#define KVMLA_CATALOG_H

#include "exits.h"
#include "csr.h"
#include "events.h"
#include "abi.h"

#endif /* KVMLA_CATALOG_H */
