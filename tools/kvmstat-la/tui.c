// SPDX-License-Identifier: GPL-2.0
#include "collect.h"
int ks_tui_run(struct ks_ctx *ctx) { (void)ctx; return 1; }
