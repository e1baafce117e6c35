# vtd-reclaim lab.  `make help` lists the targets; the work is done by
# scripts/lab.sh, which times every phase.

KERNEL ?= patched
CONFIG ?= lab
MEM ?= 4G
MODE ?= strict
SCALABLE ?= 0
ARGS ?= sweep --size 64G
QUICK ?= 0
export MEM MODE SCALABLE QUICK

LAB := scripts/lab.sh

ifeq ($(filter $(KERNEL),vanilla patched),)
$(error unknown KERNEL '$(KERNEL)': use vanilla or patched)
endif
ifeq ($(filter $(CONFIG),lab debug),)
$(error unknown CONFIG '$(CONFIG)': use lab or debug)
endif
ifeq ($(filter $(MODE),strict lazy),)
$(error unknown MODE '$(MODE)': use strict or lazy)
endif
ifeq ($(filter $(SCALABLE),0 1),)
$(error unknown SCALABLE '$(SCALABLE)': use 0 or 1)
endif
ifeq ($(filter $(QUICK),0 1),)
$(error unknown QUICK '$(QUICK)': use 0 or 1)
endif

.PHONY: all deps kernels tool initramfs run shell test compare clean help

all: deps
	@$(LAB) kernels lab debug
	@$(LAB) initramfs

deps:
	@$(LAB) deps

kernels: deps
	@$(LAB) kernels lab debug

tool: deps
	@$(LAB) tool

initramfs: deps
	@$(LAB) initramfs

run: deps
	@$(LAB) run $(KERNEL) $(CONFIG) $(ARGS)

shell: deps
	@$(LAB) shell $(KERNEL) $(CONFIG)

test: deps
	@scripts/test.sh

compare: deps
	@scripts/compare.sh

clean:
	rm -rf build
	$(MAKE) -s -C iova_stress clean

help:
	@echo 'make              deps, all four guest kernels (vanilla/patched x lab/debug), initramfs'
	@echo 'make run ARGS=..  boot KERNEL=$(KERNEL) CONFIG=$(CONFIG) and run iova_stress ARGS'
	@echo 'make shell        interactive guest console (KERNEL, CONFIG as for run)'
	@echo 'make test         host unit tests + guest tests on the debug kernels'
	@echo 'make compare      vanilla vs patched benchmarks -> results/ (QUICK=1: short)'
	@echo 'make clean        remove build/ (the caches under /var/cache/vtd-reclaim stay)'
	@echo 'variables: KERNEL=vanilla|patched CONFIG=lab|debug MEM=4G MODE=strict|lazy SCALABLE=0|1'
