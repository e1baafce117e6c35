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

.PHONY: all deps kernels tool initramfs run shell test compare latency clean help

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

latency: deps
	@scripts/latency.sh

clean:
	rm -rf build
	$(MAKE) -s -C iova_stress clean

help:
	@echo 'Targets (docs/targets.md):'
	@echo '  make              deps, all four guest kernels (vanilla/patched x lab/debug), initramfs'
	@echo '  make deps         install missing Debian packages (apt only)'
	@echo '  make kernels      the four guest kernels'
	@echo '  make tool         iova_stress (static; iova_stress/ also builds on its own)'
	@echo '  make initramfs    the guest initramfs (builds the tool)'
	@echo '  make run ARGS=..  boot KERNEL=$(KERNEL) CONFIG=$(CONFIG) and run iova_stress ARGS'
	@echo '  make shell        interactive guest console (KERNEL, CONFIG as for run)'
	@echo '  make test         host unit tests + guest tests on the debug kernels (docs/testing.md)'
	@echo '  make compare      vanilla vs patched benchmarks -> results/ (docs/compare.md)'
	@echo '  make latency      interrupts-off/preemption-off latency, trace kernels (docs/kernel-series.md)'
	@echo '  make clean        remove build/ (the caches under /var/cache/vtd-reclaim stay)'
	@echo '  make help         this list'
	@echo 'make run, make shell:  KERNEL=vanilla|patched  CONFIG=lab|debug  ARGS="sweep --size 64G"'
	@echo '  MEM=4G  MODE=strict|lazy  SCALABLE=0|1  TIMEOUT=seconds'
	@echo 'Every boot:    ACCEL=tcg|kvm (default: KVM if a probe boots with it)  ICOUNT=1 (TCG -icount)'
	@echo 'make test:     TESTS=regex (only the matching tests)  CHURN_OPS=200000  FAIL_OPS=50000'
	@echo 'make compare:  QUICK=1 (1 round, small sweeps)  ROUNDS=3  SIZES="64G 256G 1T 2T"'
	@echo '  SIZES_PATCHED=16T  DURATION=8 (s per io_uring/fio/churn run)  MAX_GUEST_MEM'
	@echo '  SWEEP_S_PER_TIB="8 10"  RESUME=1  WAIT_IDLE=0  CONTENDED_RETRIES=2'
	@echo '  BENCH=all|uring|dmamap  ITERS=200000 (dmamap pairs)  OUT=DIR (report elsewhere)'
	@echo '  LATENCY=0|1 (the latency tracers after the boots)  MAPBENCH_S=5 (dma_map_benchmark s)'
	@echo '  BIG_ROUNDS=1 (rounds with the 16T sweeps)  TOOL_ROUNDS=1 (rounds with fio and'
	@echo '  dma_map_benchmark); the full run: ROUNDS=3 BIG_ROUNDS=3 TOOL_ROUNDS=3'
	@echo '  (all described at the top of scripts/compare.sh)'
