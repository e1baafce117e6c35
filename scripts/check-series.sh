#!/usr/bin/env bash
# check-series.sh: every patch of kernel/series passes checkpatch.pl
# --strict, and after each patch on its own (1, 1-2, 1-3, ...)
# drivers/iommu/intel/ builds, with W=1 and sparse (C=1), under the patched
# debug configuration, and neither the build nor `kernel-doc -Wall` on its
# files warns of anything that vanilla's does not (scripts/new-warnings.py).
# After each patch the same directory also builds, warning nothing new, under
# Debian's own amd64 configuration (package linux-config-6.12: no debugfs
# dump, no PT_CHECKS, no KUnit, no lockdep), and after the last patch under
# the debug configuration with CONFIG_INTEL_IOMMU_DEBUGFS and then
# CONFIG_INTEL_IOMMU_PT_CHECKS turned off.  The builds reuse one tree (two
# object directories).  Prints one "PASS name" or "FAIL name" line per check.
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
deb=$tree/obj-debian
debconfig=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
[[ -r $debconfig ]] || die "$debconfig is missing (run scripts/deps.sh: package linux-config-6.12)"
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"

rm -rf "$tree"
cp -al "$van" "$tree"
mkdir -p "$obj"
make -s -C "$tree" O="$obj" tinyconfig >/dev/null
(cd "$obj" && KCONFIG_CONFIG=.config "$tree/scripts/kconfig/merge_config.sh" -m .config \
	"$REPO/kernel/lab.config" "$REPO/kernel/debug.config" >/dev/null)
make -s -C "$tree" O="$obj" olddefconfig >/dev/null

# Debian's configuration as its own kernel package is built, less what an
# out-of-package build cannot have: the signing keys and BTF (no pahole).
mkdir -p "$deb"
xzcat "$debconfig" >"$deb/.config"
"$tree/scripts/config" --file "$deb/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
	--set-str SYSTEM_REVOCATION_KEYS "" --disable DEBUG_INFO_BTF
make -s -C "$tree" O="$deb" olddefconfig >/dev/null

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

# build_debian LOG: drivers/iommu/intel/ under Debian's configuration, with
# its default warnings; the series' new options take their defaults.
build_debian() {
	local st=0
	make -s -C "$tree" O="$deb" olddefconfig >/dev/null
	rm -f "$deb"/drivers/iommu/intel/*.o
	make -s -C "$tree" O="$deb" -j"$(nproc)" CC="$cc" \
		KBUILD_BUILD_TIMESTAMP=vtd-reclaim drivers/iommu/intel/ >"$1" 2>&1 || st=$?
	return "$st"
}

# Vanilla's own warnings: a patch fails only on warnings it adds.
merge_patched
build_intel "$obj/build-vanilla.log" || die "vanilla drivers/iommu/intel/ does not build (log: $obj/build-vanilla.log)"
build_debian "$deb/build-vanilla.log" || die "vanilla drivers/iommu/intel/ does not build under Debian's configuration (log: $deb/build-vanilla.log)"

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
	log=$deb/build-$name.log
	if build_debian "$log"; then
		new_warnings "$name" builds-debian "$deb/build-vanilla.log" "$log" || rc=1
	else
		grep -E 'error' "$log" | head -n 10 | sed 's/^/    /'
		echo "FAIL builds-debian-after-$name (log: $log)"
		rc=1
	fi
done

# The whole series with each of its debug options off in turn (Debian's
# configuration above has both off at once), warning nothing new.
((rc == 0)) || exit "$rc"
for opt in INTEL_IOMMU_DEBUGFS INTEL_IOMMU_PT_CHECKS; do
	cp "$obj/.config" "$obj/.config.full"
	"$tree/scripts/config" --file "$obj/.config" --disable "$opt"
	make -s -C "$tree" O="$obj" olddefconfig >/dev/null
	if grep -q "^CONFIG_$opt=y" "$obj/.config"; then
		echo "FAIL builds-without-$opt (olddefconfig turned it back on)"
		rc=1
	else
		log=$obj/build-no-$opt.log
		if build_intel "$log"; then
			new_warnings series w1-sparse-without-$opt "$obj/build-vanilla.log" "$log" || rc=1
		else
			grep -E 'error' "$log" | head -n 10 | sed 's/^/    /'
			echo "FAIL w1-sparse-without-$opt-after-series (log: $log)"
			rc=1
		fi
	fi
	mv "$obj/.config.full" "$obj/.config"
	make -s -C "$tree" O="$obj" olddefconfig >/dev/null
done
exit "$rc"
