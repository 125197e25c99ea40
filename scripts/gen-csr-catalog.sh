#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Writes include/kvmla/csr.h to stdout from a Linux tree's
# arch/loongarch/include/asm/loongarch.h: one X() per LOONGARCH_CSR_* number.
# Usage: scripts/gen-csr-catalog.sh [TREE] > include/kvmla/csr.h
set -euo pipefail
tree=${1:-$("$(dirname "$0")"/prepare-kernel.sh | tail -n 1)}
h="$tree/arch/loongarch/include/asm/loongarch.h"
[ -f "$h" ] || { echo "gen-csr-catalog: $h not found" >&2; exit 1; }
cat <<'HEAD'
/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: every CSR number defined in the Linux 6.12 tree's
 * arch/loongarch/include/asm/loongarch.h, guest CSRs included.
 * Generated once by scripts/gen-csr-catalog.sh; tests/table checks each
 * number against the tree by compiling a static assertion per entry.
 *
 * X(number, NAME, json_key, alias)
 *   NAME is LOONGARCH_CSR_<NAME> in the tree; alias is 1 when another entry
 *   has the same number (PRID and MCSR0 are both 0xc0).
 */
#ifndef KVMLA_CSR_H
#define KVMLA_CSR_H

#define KVMLA_CSRS(X) \
HEAD
grep -E '#define\s+LOONGARCH_CSR_[A-Z0-9_]+\s+0x' "$h" | awk '
	function hex(s,   i, v) {
		v = 0; s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	{ n = $2; sub("LOONGARCH_CSR_", "", n); N[NR] = n; V[NR] = $3; c[$3]++ }
	END {
		for (i = 1; i <= NR; i++) {
			a = (c[V[i]] > 1 && seen[V[i]]++) ? 1 : 0
			printf "\tX(%s, %s, %s, %d)%s\n", V[i], N[i], tolower(N[i]), a, (i < NR ? " \\" : "")
			if (hex(V[i]) > max) { max = hex(V[i]); maxs = V[i] }
		}
		printf "\n#define KVMLA_CSR_NUM_MAX %s\t/* highest number above */\n", maxs
	}'
cat <<'TAIL'

#endif /* KVMLA_CSR_H */
TAIL
