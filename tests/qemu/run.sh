#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Suite "qemu": the bare-metal LVZ checks of the emulated CPU (qemu/tests/).
exec "$(cd "$(dirname "$0")/../.." && pwd)/qemu/tests/run.sh" "$@"
