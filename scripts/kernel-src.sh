#!/usr/bin/env bash
# kernel-src.sh vanilla|patched|headers: make sure a source tree exists and
# print its path.
#   vanilla  a hard-linked copy, under build/<version>/vanilla, of Debian's
#            linux-source-6.12 unpacked once per package version into
#            $VTD_CACHE (the cached tree is never written to).
#   patched  the same with kernel/series applied in order, under
#            build/<version>/patched-<series hash>.
# Kernels are built in obj-* folders right inside these trees: kbuild then
# uses relative paths, so the two trees share ccache entries for every file
# the series does not touch.
#   headers  the vanilla tree's `make headers_install` output (6.12 uAPI for
#            iova_stress; Debian 12's linux-libc-dev is only 6.1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:-}
ver=$(debver)

cached() {
	local dst=$VTD_CACHE/src/linux-source-$ver
	if [[ ! -f $dst/.complete ]]; then
		[[ -r $KSRC_TARBALL ]] || die "$KSRC_TARBALL missing (run scripts/deps.sh)"
		log "unpacking $KSRC_TARBALL ($ver) into $dst"
		mkdir -p "$VTD_CACHE/src"
		local tmp
		tmp=$(mktemp -d "$VTD_CACHE/src/.unpack.XXXXXX")
		tar -C "$tmp" -xf "$KSRC_TARBALL"
		[[ -f $tmp/linux-source-6.12/Makefile ]] || die "unexpected tarball layout"
		echo "$ver" >"$tmp/linux-source-6.12/.debian-version"
		touch "$tmp/linux-source-6.12/.complete"
		rm -rf "$dst"
		mv "$tmp/linux-source-6.12" "$dst"
		rmdir "$tmp"
	fi
	echo "$dst"
}

vanilla() {
	local van dst=$BUILD/$ver/vanilla
	if [[ ! -f $dst/.complete ]]; then
		van=$(cached)
		mkdir -p "$BUILD/$ver"
		rm -rf "$dst.tmp"
		cp -al "$van" "$dst.tmp"
		mv "$dst.tmp" "$dst"
	fi
	echo "$dst"
}

patched() {
	local van hash dst tmp p n=0
	van=$(cached)
	hash=$(series_hash)
	dst=$BUILD/$ver/patched-$hash
	if [[ ! -f $dst/.complete ]]; then
		mkdir -p "$BUILD/$ver"
		# Trees (and builds) of older series are useless: drop them.
		find "$BUILD/$ver" -maxdepth 1 -name 'patched-*' ! -name "patched-$hash" \
			-exec rm -rf {} +
		tmp=$BUILD/$ver/.patched.tmp
		rm -rf "$tmp"
		# patch(1) writes a new file and renames it over the old one, so
		# the hard links to the cached vanilla tree are never written to.
		cp -al "$van" "$tmp"
		rm -f "$tmp/.complete"
		while read -r p; do
			[[ -z "$p" || "$p" == \#* ]] && continue
			[[ -f $REPO/kernel/$p ]] || die "kernel/series names $p, which does not exist"
			if ! patch -d "$tmp" -p1 -s -N -F0 --no-backup-if-mismatch \
				-i "$REPO/kernel/$p" >"$tmp/.patch.log" 2>&1; then
				cat "$tmp/.patch.log" >&2
				die "patch kernel/$p does not apply on linux-source $ver"
			fi
			n=$((n + 1))
		done <"$REPO/kernel/series"
		log "patched tree: $n patch(es) applied on $ver ($hash)"
		touch "$tmp/.complete"
		mv "$tmp" "$dst"
	fi
	echo "$dst"
}

headers() {
	local van dst
	van=$(cached)
	dst=$VTD_CACHE/headers/linux-$ver
	if [[ ! -f $dst/.complete ]]; then
		log "installing 6.12 uAPI headers into $dst"
		rm -rf "$dst" "$dst.obj"
		make -s -C "$van" O="$dst.obj" headers_install INSTALL_HDR_PATH="$dst" >&2
		rm -rf "$dst.obj"
		touch "$dst/.complete"
	fi
	echo "$dst/include"
}

case "$what" in
vanilla | patched | headers) "$what" ;;
*) die "usage: $0 vanilla|patched|headers" ;;
esac
