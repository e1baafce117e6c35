#!/usr/bin/env bash
# initramfs.sh OUT BINARY...: build the guest initramfs: busybox-static, the
# lab's /init, the guest tests (scripts/guest/tests -> /tests) and the given
# static binaries (-> /usr/local/bin).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: initramfs.sh OUT [BINARY...]}
shift
[[ -x /bin/busybox ]] || die "/bin/busybox missing (run scripts/deps.sh)"
ldd /bin/busybox >/dev/null 2>&1 &&
	die "/bin/busybox is not static (install busybox-static)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,tests,usr/local/bin}
cp /bin/busybox "$stage/bin/busybox"
install -m 0755 "$REPO/scripts/guest/init" "$stage/init"
install -m 0755 "$REPO"/scripts/guest/tests/*.sh "$stage/tests/" 2>/dev/null || true
for b in "$@"; do
	[[ -x $b ]] || die "guest binary $b missing"
	ldd "$b" >/dev/null 2>&1 && die "guest binary $b is not static"
	install -m 0755 "$b" "$stage/usr/local/bin/"
done
mknod "$stage/dev/console" c 5 1
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
