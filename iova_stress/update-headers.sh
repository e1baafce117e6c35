#!/usr/bin/env bash
# update-headers.sh: the kernel uAPI headers iova_stress needs, kept in
# linux-headers/ as QEMU keeps its linux-headers/, so that `make` builds on
# any Linux with liburing (Debian 12's linux-libc-dev is 6.1: no iommufd).
#   update-headers.sh INCLUDE_DIR          copy them from INCLUDE_DIR
#   update-headers.sh --check INCLUDE_DIR  exit 1, naming each copy that
#                                          differs from INCLUDE_DIR's
# INCLUDE_DIR is the include/ of a `make headers_install
# INSTALL_HDR_PATH=DIR` output (the lab's: scripts/kernel-src.sh headers).
set -euo pipefail

# What the tool includes and an older linux-libc-dev lacks; the rest
# (linux/types.h, linux/ioctl.h, linux/fs.h, linux/pci_regs.h) is the
# system's.
FILES=(linux/iommufd.h linux/vfio.h)

here=$(cd "$(dirname "$0")" && pwd)
dst=$here/linux-headers
check=0
if [[ ${1:-} == --check ]]; then
	check=1
	shift
fi
(($# == 1)) || {
	echo "usage: $0 [--check] INCLUDE_DIR (a make headers_install output's include/)" >&2
	exit 2
}
src=$1

for f in "${FILES[@]}"; do
	[[ -f $src/$f ]] || {
		echo "update-headers.sh: $src/$f does not exist (not a headers_install include/ dir?)" >&2
		exit 2
	}
done

if ((check)); then
	stale=()
	for f in "${FILES[@]}"; do
		cmp -s "$src/$f" "$dst/$f" || stale+=("$f")
	done
	if ((${#stale[@]})); then
		echo "$dst is stale, these differ from $src: ${stale[*]}" \
			"(refresh: $0 $src)" >&2
		exit 1
	fi
	echo "$dst matches $src (${FILES[*]})"
	exit 0
fi

for f in "${FILES[@]}"; do
	mkdir -p "$(dirname "$dst/$f")"
	cp "$src/$f" "$dst/$f.tmp"
	mv "$dst/$f.tmp" "$dst/$f"
done
# where they came from (the lab's folder is named after the Debian version)
basename "$(dirname "$(cd "$src" && pwd)")" >"$dst/SOURCE"
echo "copied ${FILES[*]} from $src into $dst"
