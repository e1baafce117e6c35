#!/usr/bin/env bash
# Install, with apt only, the Debian packages the lab needs; do nothing when
# all are present.  Every package comes from Debian's archive.
set -euo pipefail

PKGS=(
	qemu-system-x86 linux-source-6.12 busybox-static liburing-dev ccache
	gnuplot-nox build-essential bc bison flex libelf-dev libssl-dev cpio
	xz-utils kmod rsync python3 shellcheck gdb sparse linux-config-6.12 fio
)
# More packages for an experiment, e.g. VTD_EXTRA_PKGS="linux-perf".
read -r -a extra <<<"${VTD_EXTRA_PKGS:-}"
PKGS+=("${extra[@]}")

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$st" == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0

echo "deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	echo "deps: need root to install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || echo "deps: apt-get update failed; trying the cached lists" >&2
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/vtd-deps.log 2>&1; then
	echo "deps: apt-get could not install: ${missing[*]} (log: /tmp/vtd-deps.log)" >&2
	tail -n 5 /tmp/vtd-deps.log >&2
	exit 1
fi
echo "deps: done"
