# SPDX-License-Identifier: GPL-2.0
# kvmla top-level Makefile: delegates to each part.
#
#   make            tools, BPF programs and the test VMM (installs what is missing)
#   make run        the main job: bundled workload + kvmstat-la dashboard
#   make kvm        the LoongArch kvm.ko (KDIR=<tree> or the cached 6.12 tree)
#   make check      every test suite; closes with "N passed, N failed, N skipped"
#   make e2e        kvm.ko in a LoongArch host under QEMU, upstream's as control
#                   (tests/e2e/run.sh; builds and caches the host kernel once)
#   make bench      benchmarks against kvm_stat, trace-cmd report and bpftrace
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
export PREFIX DESTDIR

# Parts that build with plain "make" (each has its own Makefile).
PARTS := tools/lib tests/vmm bpf tools/kvmstat-la tools/trace-viewer
PARTS := $(foreach d,$(PARTS),$(if $(wildcard $(d)/Makefile),$(d)))

.PHONY: all deps run kvm check e2e bench install clean $(PARTS)

all: deps $(PARTS)

deps:
	@scripts/deps.sh

$(PARTS): deps
	$(MAKE) -C $@

# tools/lib first: the others link it.
$(filter-out tools/lib,$(PARTS)): $(filter tools/lib,$(PARTS))

run: all
	@if [ -x scripts/run.sh ]; then scripts/run.sh; \
	else echo "make run: the dashboard is not built yet; ran 'make'"; fi

# The LoongArch module.  KDIR defaults to the cached, prepared 6.12 tree
# (then the dev packages are checked); with KDIR given, as on a LoongArch
# host, only the kernel build's own tools are needed.
kvm: $(if $(KDIR),,deps)
	$(MAKE) -C kvm KDIR="$${KDIR:-$$(scripts/prepare-kernel.sh)}"

check: all
	@scripts/check.sh

e2e: deps
	@scripts/check.sh e2e

bench: all
	@bench/run.sh

install: all
	@for d in $(PARTS); do $(MAKE) -C $$d install || exit 1; done
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	@for m in docs/man/*.1; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(PREFIX)/share/man/man1/; done; true
	@for m in docs/man/*.8; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(PREFIX)/share/man/man8/; done; true

clean:
	@for d in $(PARTS); do $(MAKE) -C $$d clean; done
	@[ ! -f kvm/Makefile ] || $(MAKE) -C kvm clean
	rm -rf build
