#!/usr/bin/env bash
# initramfs-extra.sh OUT BASE BINARY...: an initramfs of BASE (the lab's
# compressed initramfs, scripts/initramfs.sh) with dynamically linked
# BINARY... from this machine's Debian packages added, each with the shared
# libraries it loads (as ldd finds them, under the same paths, and the
# dynamic loader).  A BINARY given as SRC=DEST (a library the lab built,
# say) goes to DEST in the guest.  Those go first, as an uncompressed cpio
# archive: the kernel unpacks one archive after the other, and an
# uncompressed one costs the guest no decompression (Debian's fio brings
# 80 MiB of libraries).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: initramfs-extra.sh OUT BASE BINARY|SRC=DEST..."
out=${1:?$usage} base=${2:?$usage}
shift 2
(($#)) || die "$usage"
[[ -f $base ]] || die "base initramfs $base missing"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

# add FILE [DEST]: FILE, symlinks followed, at DEST (default: its own
# path) under the stage.
add() {
	local dest=${2:-$1}
	mkdir -p "$stage$(dirname "$dest")"
	cp -L "$1" "$stage$dest"
}

for arg in "$@"; do
	b=${arg%%=*} dest=''
	[[ $arg == *=* ]] && dest=${arg#*=}
	[[ -f $b ]] || die "guest binary $b missing"
	ldd "$b" >/dev/null 2>&1 || die "$b is not dynamically linked (use scripts/initramfs.sh)"
	missing=$(ldd "$b" | awk '/not found/ { print $1 }')
	[[ -z $missing ]] || die "$b: libraries not found here: $missing"
	add "$b" "$dest"
	# "libx.so.1 => /lib/.../libx.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
	while read -r lib; do
		add "$lib"
	done < <(ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
done
mkdir -p "$(dirname "$out")"
{
	(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0)
	cat "$base"
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
