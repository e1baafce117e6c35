#!/usr/bin/env bash
# lab.sh COMMAND: the phases behind the Makefile's targets, each timed.
#   deps                       install missing Debian packages
#   kernel FLAVOR CONFIG       build one guest kernel (vanilla|patched, lab|debug|trace)
#   kernels [CONFIG...]        build vanilla and patched for each CONFIG
#   tool                       build iova_stress (static; 6.12 uAPI headers
#                              from its linux-headers/ copy)
#   initramfs                  build the guest initramfs (needs the tool)
#   run KERNEL CONFIG ARGS...  boot KERNEL and run `iova_stress ARGS`
#   job KERNEL CONFIG CMD...   boot KERNEL and run a shell command line
#   shell KERNEL CONFIG        interactive guest console
# Guest options come from the environment: MEM (4G), MODE (strict|lazy),
# SCALABLE (0|1), TIMEOUT (seconds), ACCEL (tcg|kvm, default: probed),
# EDU2=1 (a second edu device), FIO=1 (the initramfs with Debian's fio).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check_kernel_args() {
	case "${1:-}" in vanilla | patched) ;; *) die "unknown KERNEL '${1:-}' (vanilla|patched)" ;; esac
	case "${2:-}" in lab | debug | trace) ;; *) die "unknown CONFIG '${2:-}' (lab|debug|trace)" ;; esac
}

initrd_path() {
	if [[ ${FIO:-0} == 1 ]]; then
		echo "$BUILD/$(debver)/initramfs-fio.cpio"
	else
		echo "$BUILD/$(debver)/initramfs.cpio.gz"
	fi
}

# The tool builds on its own from the uAPI headers copied into
# iova_stress/linux-headers/; scripts/check-headers.sh says if they are stale.
tool() {
	make -s -C "$REPO/iova_stress" >&2
}

# The kernel's own DMA-API benchmark tool, static, from the kernel tarball
# (tools/testing/selftests/dma/): the 6.12 uAPI headers first, then the
# source's include/ for linux/map_benchmark.h, as its Makefile has it.
mapbench() {
	local src hdr out c
	out=$BUILD/$(debver)/dma_map_benchmark
	src=$("$REPO/scripts/kernel-src.sh" base)
	hdr=$("$REPO/scripts/kernel-src.sh" headers)
	c=$src/tools/testing/selftests/dma/dma_map_benchmark.c
	if [[ ! -x $out || $c -nt $out ]]; then
		gcc -static -O2 -Wall -I "$hdr" -I "$src/include" -o "$out.tmp" "$c" >&2
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

# fio_shm: scripts/guest/fio-shm.c as a shared library (fio's System V
# shared memory, which the guest kernels do not have, over mmap).
fio_shm() {
	local c=$REPO/scripts/guest/fio-shm.c out=$BUILD/fio-shm.so
	if [[ ! -f $out || $c -nt $out ]]; then
		mkdir -p "$BUILD"
		gcc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -o "$out.tmp" "$c" >&2
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

# initramfs: the guest's; with FIO=1 also Debian's fio and its libraries
# (scripts/initramfs-extra.sh) and fio-shm.so, for scripts/guest/tests/fio.sh.
initramfs() {
	local mb base
	tool
	mb=$(mapbench)
	base=$(FIO=0 initrd_path)
	"$REPO/scripts/initramfs.sh" "$base" "$REPO/iova_stress/iova_stress" "$mb" >/dev/null
	if [[ ${FIO:-0} == 1 ]]; then
		[[ -x /usr/bin/fio ]] || die "/usr/bin/fio missing (run scripts/deps.sh)"
		"$REPO/scripts/initramfs-extra.sh" "$(initrd_path)" "$base" /usr/bin/fio \
			"$(fio_shm)=/usr/local/lib/fio-shm.so" >/dev/null
	fi
}

# guest_opts: run-guest.sh options from MEM, MODE, SCALABLE, TIMEOUT, EDU2.
guest_opts() {
	local o=(--mem "${MEM:-4G}")
	case "${MODE:-strict}" in
	strict) ;;
	lazy) o+=(--lazy) ;;
	*) die "unknown MODE '${MODE}' (strict|lazy)" ;;
	esac
	case "${SCALABLE:-0}" in
	0) ;;
	1) o+=(--scalable) ;;
	*) die "unknown SCALABLE '${SCALABLE}' (0|1)" ;;
	esac
	[[ -n ${TIMEOUT:-} ]] && o+=(--timeout "$TIMEOUT")
	[[ ${EDU2:-0} == 1 ]] && o+=(--edu2)
	printf '%s\n' "${o[@]}"
}

# boot KERNEL CONFIG RUN-GUEST-ARGS...: build what is missing, then boot.
boot() {
	local k=$1 c=$2 image initrd opts
	shift 2
	check_kernel_args "$k" "$c"
	mapfile -t opts < <(guest_opts)
	image=$(timed "kernel $k/$c" "$REPO/scripts/build-kernel.sh" "$k" "$c")
	timed initramfs initramfs
	initrd=$(initrd_path)
	ACCEL=$("$REPO/scripts/accel.sh" "$image" "$initrd")
	export ACCEL
	timed "guest run ($k/$c, ${MODE:-strict}, $ACCEL)" \
		"$REPO/scripts/run-guest.sh" --image "$image" --initrd "$initrd" "${opts[@]}" "$@"
}

cmd=${1:-}
shift || true
case "$cmd" in
deps) timed deps "$REPO/scripts/deps.sh" ;;
kernel)
	check_kernel_args "$@"
	timed "kernel $1/$2" "$REPO/scripts/build-kernel.sh" "$1" "$2" >/dev/null
	;;
kernels)
	(($#)) || set -- lab debug
	for c in "$@"; do
		for k in vanilla patched; do
			timed "kernel $k/$c" "$REPO/scripts/build-kernel.sh" "$k" "$c" >/dev/null
		done
	done
	;;
tool) timed iova_stress tool ;;
initramfs) timed initramfs initramfs ;;
run)
	k=${1:-} c=${2:-}
	shift 2 || die "usage: lab.sh run KERNEL CONFIG ARGS..."
	boot "$k" "$c" -- iova_stress "$@"
	;;
job)
	k=${1:-} c=${2:-}
	shift 2 || die "usage: lab.sh job KERNEL CONFIG CMD..."
	boot "$k" "$c" -- "$@"
	;;
shell) boot "${1:-}" "${2:-}" --shell ;;
*) die "usage: lab.sh deps|kernel|kernels|tool|initramfs|run|job|shell ..." ;;
esac
