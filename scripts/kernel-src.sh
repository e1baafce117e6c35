#!/usr/bin/env bash
# kernel-src.sh base|vanilla|patched|headers: make sure a source tree exists
# and print its path.
#   base     a hard-linked copy, under build/<version>/base, of Debian's
#            linux-source-6.12 unpacked once per package version into
#            $VTD_CACHE (the cached tree is never written to): what the
#            series applies to (scripts/series.sh, check-series.sh)
#   vanilla  the tree the vanilla guest kernels are built from: the same with
#            the lab-only patches of kernel/lab/series (measurement hooks,
#            not part of the series), build/<version>/vanilla-lab<lab hash>
#   patched  the same with kernel/series and then kernel/lab/series applied,
#            build/<version>/patched-<series hash>-lab<lab hash>
#   upto N   the same with only the first N patches of kernel/series, to
#            measure a prefix of the series (scripts/trace-dmamap.sh),
#            build/<version>/upto<N>-<hash>-lab<lab hash>
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

# apply_list DIR LISTFILE: apply the patches LISTFILE names (one per line,
# relative to its folder; # comments) to the tree DIR; prints how many.
apply_list() {
	local dir=$1 list=$2 pdir p n=0
	pdir=$(dirname "$list")
	while read -r p; do
		[[ -f $pdir/$p ]] || die "$list names $p, which does not exist"
		# patch(1) writes a new file and renames it over the old one, so
		# the hard links to the cached vanilla tree are never written to.
		if ! patch -d "$dir" -p1 -s -N -F0 --no-backup-if-mismatch \
			-i "$pdir/$p" >"$dir/.patch.log" 2>&1; then
			cat "$dir/.patch.log" >&2
			die "patch ${list#"$REPO"/}: $p does not apply on linux-source $ver"
		fi
		n=$((n + 1))
	done < <(list_names "$list")
	echo "$n"
}

# tree NAME STALE-GLOB LIST...: build/<version>/NAME, a hard-linked copy of
# the cached vanilla tree with the patches of every LIST applied.  Trees
# matching STALE-GLOB (older series or lab patches) are useless: dropped.
tree() {
	local name=$1 stale=$2 van dst tmp l n msg=''
	shift 2
	dst=$BUILD/$ver/$name
	if [[ ! -f $dst/.complete ]]; then
		van=$(cached)
		mkdir -p "$BUILD/$ver"
		if [[ -n $stale ]]; then
			# ... and so are half-made ones of an interrupted run.
			find "$BUILD/$ver" -maxdepth 1 \( -name "$stale" -o -name ".$stale.tmp" \) \
				! -name "$name" -exec rm -rf {} +
		fi
		tmp=$BUILD/$ver/.$name.tmp
		rm -rf "$tmp"
		cp -al "$van" "$tmp"
		rm -f "$tmp/.complete"
		for l in "$@"; do
			n=$(apply_list "$tmp" "$l")
			msg+=" $n from ${l#"$REPO"/}"
		done
		[[ -z $msg ]] || log "tree $name: patches applied on $ver:$msg"
		touch "$tmp/.complete"
		rm -rf "$dst"
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

lab=$REPO/kernel/lab/series
case "$what" in
base) tree base '' ;;
vanilla) tree "vanilla-lab$(lab_hash)" 'vanilla*' "$lab" ;;
patched) tree "patched-$(series_hash)-lab$(lab_hash)" 'patched-*' "$REPO/kernel/series" "$lab" ;;
upto)
	n=${2:-}
	[[ $n =~ ^[1-9][0-9]?$ ]] || die "usage: $0 upto N (the first N patches of the series)"
	# A list of the first N patches, naming them relative to its folder.
	mkdir -p "$BUILD/$ver"
	list=$BUILD/$ver/upto$n.series
	rel=$(realpath --relative-to="$BUILD/$ver" "$REPO/kernel")
	list_names "$REPO/kernel/series" | head -n "$n" | sed "s|^|$rel/|" >"$list.tmp"
	(($(wc -l <"$list.tmp") == n)) || die "kernel/series has fewer than $n patches"
	mv "$list.tmp" "$list"
	tree "upto$n-$(list_hash "$list")-lab$(lab_hash)" "upto$n-*" "$list" "$lab"
	;;
headers) headers ;;
*) die "usage: $0 base|vanilla|patched|upto N|headers" ;;
esac
