#!/usr/bin/env bash
# check-series.sh: every patch of kernel/series passes checkpatch.pl
# --strict, and after each patch on its own (1, 1-2, 1-3, ...)
# drivers/iommu/intel/ builds, with W=1 and sparse (C=1), under the patched
# debug configuration, and neither the build nor `kernel-doc -Wall` on its
# files warns of anything that vanilla's does not (scripts/new-warnings.py).
# The builds reuse one tree.  Prints one "PASS name" or "FAIL name" line per
# check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# It takes no arguments; anything given (even --help) is refused before the
# check tree, which a running `make test` may be using, is removed.
(($# == 0)) || die "usage: check-series.sh (no arguments; see the comment at its top)"

ver=$(debver)
van=$("$REPO/scripts/kernel-src.sh" base)
mapfile -t patches < <(grep -v -e '^#' -e '^$' "$REPO/kernel/series")
tree=$BUILD/$ver/series-check
obj=$tree/obj
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"

rm -rf "$tree"
cp -al "$van" "$tree"
mkdir -p "$obj"
make -s -C "$tree" O="$obj" tinyconfig >/dev/null
(cd "$obj" && KCONFIG_CONFIG=.config "$tree/scripts/kconfig/merge_config.sh" -m .config \
	"$REPO/kernel/lab.config" "$REPO/kernel/debug.config" >/dev/null)
make -s -C "$tree" O="$obj" olddefconfig >/dev/null

# merge_patched: the series' own options, which exist only once a patch
# adds them (merged on vanilla too, for the options it has, e.g. KUNIT).
merge_patched() {
	[[ -f $REPO/kernel/patched-debug.config ]] || return 0
	(cd "$obj" && KCONFIG_CONFIG=.config "$tree/scripts/kconfig/merge_config.sh" -m \
		.config "$REPO/kernel/patched-debug.config" >/dev/null 2>&1)
	make -s -C "$tree" O="$obj" olddefconfig >/dev/null
}

# build_intel LOG: drivers/iommu/intel/ from scratch (ccache makes that
# cheap) with W=1 and sparse (C=1), so that LOG has every warning of every
# file; then kernel-doc -Wall on its files into LOG.doc.
build_intel() {
	local st=0
	rm -f "$obj"/drivers/iommu/intel/*.o
	make -s -C "$tree" O="$obj" -j"$(nproc)" CC="$cc" W=1 C=1 \
		KBUILD_BUILD_TIMESTAMP=vtd-reclaim drivers/iommu/intel/ >"$1" 2>&1 || st=$?
	(cd "$tree" && scripts/kernel-doc -Wall -none drivers/iommu/intel/*.[ch]) >"$1.doc" 2>&1 || true
	return "$st"
}

# Vanilla's own warnings: a patch fails only on warnings it adds.
merge_patched
build_intel "$obj/build-vanilla.log" || die "vanilla drivers/iommu/intel/ does not build (log: $obj/build-vanilla.log)"

# new_warnings NAME KIND BASE AFTER: PASS/FAIL line for warnings AFTER adds.
new_warnings() {
	local out
	if out=$(python3 "$REPO/scripts/new-warnings.py" "$3" "$4"); then
		echo "PASS $2-after-$1"
	else
		echo "$out" | head -n 10 | sed 's/^/    /'
		echo "FAIL $2-after-$1 (log: $4)"
		return 1
	fi
}

rc=0
for p in "${patches[@]}"; do
	name=${p%%-*}
	if checkpatch_strict "$van" "$REPO/kernel/$p"; then
		echo "PASS checkpatch-$name"
	else
		echo "FAIL checkpatch-$name"
		rc=1
	fi
	if ! patch -d "$tree" -p1 -s -N -F0 --no-backup-if-mismatch -i "$REPO/kernel/$p"; then
		echo "FAIL builds-after-$name (does not apply)"
		rc=1
		break
	fi
	merge_patched
	log=$obj/build-$name.log
	if build_intel "$log"; then
		echo "PASS builds-after-$name"
	else
		grep -E 'error' "$log" | head -n 10 | sed 's/^/    /'
		echo "FAIL builds-after-$name (log: $log)"
		rc=1
		continue
	fi
	new_warnings "$name" w1-sparse "$obj/build-vanilla.log" "$log" || rc=1
	new_warnings "$name" kernel-doc "$obj/build-vanilla.log.doc" "$log.doc" || rc=1
done
exit "$rc"
