# SPDX-License-Identifier: GPL-2.0
# kvmla top-level Makefile: delegates to each part.
#
#   make            tools, BPF programs and the test VMM (installs what
#                   building needs: scripts/deps.sh build)
#   make run        the main job: bundled workload + kvmstat-la dashboard
#   make kvm        the LoongArch kvm.ko (KDIR=<tree> or the cached 6.12 tree)
#   make check      every test suite; closes with "N passed, N failed, N skipped"
#                   (installs what building and testing need)
#   make e2e        kvm.ko in a LoongArch host under QEMU, upstream's as control
#                   (tests/e2e/run.sh; builds and caches the host kernel once)
#   make bench      benchmarks against kvm_stat, trace-cmd report and bpftrace
#   make fuzz-long  every fuzz target for 1 h or 10 M executions, one at a time
#                   (FUZZ_SECONDS, FUZZ_RUNS: scripts/fuzz-long.sh)
#   make soak       kvmstat-la under ASan for 1 h against VM churn (SOAK_SECONDS:
#                   tests/soak/soak.sh); RSS and fds over time
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
export PREFIX DESTDIR

# Parts that build with plain "make" (each has its own Makefile; a missing
# one is an error).
PARTS := tools/lib tests/vmm bpf tools/kvmstat-la tools/trace-viewer

# What scripts/deps.sh is asked for: what building needs, plus the kernel
# build for "make kvm" without KDIR, plus everything the suites and benches
# use for "make check" and "make bench".
DEPS := build
DEPS += $(if $(filter kvm,$(MAKECMDGOALS)),$(if $(KDIR),,kernel))
DEPS += $(if $(filter check bench fuzz-long soak,$(MAKECMDGOALS)),kernel test)

.PHONY: all deps run kvm check e2e bench fuzz-long soak install clean $(PARTS)

all: deps $(PARTS)

deps:
	@scripts/deps.sh $(sort $(DEPS))

$(PARTS): deps
	$(MAKE) -C $@

# tools/lib first: the others link it.  bpf/ compiles kvmstat-la's program;
# kvmstat-la --replay links trace-viewer's libtv.a (one make in there at a time).
$(filter-out tools/lib,$(PARTS)): tools/lib
tools/kvmstat-la: bpf tools/trace-viewer

run: all
	@scripts/run.sh

# The LoongArch module.  KDIR defaults to the cached, prepared 6.12 tree
# (then the kernel build's packages are checked); with KDIR given, as on a
# LoongArch host, only the kernel build's own tools are needed.
kvm: $(if $(KDIR),,deps)
	$(MAKE) -C kvm KDIR="$${KDIR:-$$(scripts/prepare-kernel.sh)}"

check: all
	@scripts/check.sh

e2e: deps
	@scripts/check.sh e2e

bench: all
	@bench/run.sh

# not part of make check: an hour each by default
fuzz-long: all
	@scripts/fuzz-long.sh

soak: all
	@tests/soak/soak.sh

install: all
	@for d in $(PARTS); do $(MAKE) -C $$d install || exit 1; done
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 644 docs/man/trace-viewer.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 docs/man/kvmstat-la.8 $(DESTDIR)$(PREFIX)/share/man/man8/

clean:
	@for d in $(PARTS); do $(MAKE) -C $$d clean; done
	$(MAKE) -C kvm clean
	rm -rf build
