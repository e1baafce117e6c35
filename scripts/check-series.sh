#!/usr/bin/env bash
# check-series.sh: every patch of kernel/series passes checkpatch.pl
# --strict, and the tree builds after each patch on its own (1, 1-2, 1-3,
# ...).  The builds reuse one tree and compile drivers/iommu/intel/ with
# -Werror under the patched debug configuration.  Prints one "PASS name" or
# "FAIL name" line per check.
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
	# The series' own options exist only once a patch adds them.
	if [[ -f $REPO/kernel/patched-debug.config ]]; then
		(cd "$obj" && KCONFIG_CONFIG=.config "$tree/scripts/kconfig/merge_config.sh" -m \
			.config "$REPO/kernel/patched-debug.config" >/dev/null 2>&1)
		make -s -C "$tree" O="$obj" olddefconfig >/dev/null
	fi
	if make -s -C "$tree" O="$obj" -j"$(nproc)" CC="$cc" KCFLAGS=-Werror \
		KBUILD_BUILD_TIMESTAMP=vtd-reclaim drivers/iommu/intel/ >"$obj/build-$name.log" 2>&1; then
		echo "PASS builds-after-$name"
	else
		grep -E 'error|warning' "$obj/build-$name.log" | head -n 10 | sed 's/^/    /'
		echo "FAIL builds-after-$name (log: $obj/build-$name.log)"
		rc=1
	fi
done
exit "$rc"
