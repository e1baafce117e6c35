# shellcheck shell=bash
# Common paths and helpers for the lab scripts.  Source it; do not run it.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
# Unpacked vanilla sources are cached outside the clone, keyed by the exact
# Debian package version, so that a fresh clone does not pay for them again.
VTD_CACHE=${VTD_CACHE:-/var/cache/vtd-reclaim}
KSRC_TARBALL=${KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
export CCACHE_DIR=${CCACHE_DIR:-$VTD_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G} CCACHE_NOHASHDIR=1

die() {
	echo "error: $*" >&2
	exit 1
}

log() {
	echo "==> $*" >&2
}

# debver: the exact Debian version of linux-source-6.12, e.g. 6.12.117-1~deb12u1.
debver() {
	local v
	v=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
		die "linux-source-6.12 is not installed (run scripts/deps.sh)"
	[[ -n "$v" ]] || die "linux-source-6.12 is not installed (run scripts/deps.sh)"
	echo "$v"
}

# list_names LIST: the patch names a list file gives, in order (one per
# line, relative to its folder; blank lines and # comments skipped).
list_names() {
	grep -v -e '^#' -e '^$' "$1" || true
}

# list_hash LIST: a short hash of a patch list file and every patch it names.
list_hash() {
	local f dir
	dir=$(dirname "$1")
	{
		cat "$1"
		while read -r f; do
			cat "$dir/$f" 2>/dev/null || echo "missing $f"
		done < <(list_names "$1")
	} | sha256sum | cut -c1-12
}

# series_hash: the kernel series' hash, which names the patched tree and its
# build directories.  lab_hash: the same for the lab-only patches (both trees).
series_hash() {
	list_hash "$REPO/kernel/series"
}

lab_hash() {
	list_hash "$REPO/kernel/lab/series"
}

# checkpatch_strict SRC PATCH: checkpatch.pl --strict on PATCH, run in the
# kernel tree SRC.  Its "does MAINTAINERS need updating?" warning is
# ignored only when every file the patch adds is under drivers/iommu/intel/,
# which the INTEL IOMMU (VT-d) entry of MAINTAINERS covers.  The commits
# that Fixes: tags name are upstream's, which Debian's source tree (not a
# git repository) cannot look up: that check is left to the reviewer.
checkpatch_strict() {
	local src=$1 patch=$2 ign=(--ignore UNKNOWN_COMMIT_ID) added
	added=$(awk '/^diff --git/ {f = $4} /^new file mode/ {print f}' "$patch")
	if [[ -n $added ]] && ! grep -qv '^b/drivers/iommu/intel/' <<<"$added"; then
		ign+=(--ignore FILE_PATH_CHANGES)
	fi
	(cd "$src" && perl scripts/checkpatch.pl --strict --no-tree -q "${ign[@]}" "$patch")
}

# timed NAME CMD...: run CMD, then print how long phase NAME took.
timed() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s.%N)
	"$@" || rc=$?
	printf '==> %s: %.1f s%s\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)" \
		"$([[ $rc -eq 0 ]] || echo " (FAILED, exit $rc)")" >&2
	return "$rc"
}
