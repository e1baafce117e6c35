#!/usr/bin/env bash
# accel.sh BZIMAGE INITRD: print the accelerator to use: "kvm" only if a
# probe really boots the given kernel under KVM, "tcg" otherwise.  The
# answer is cached per host kernel; ACCEL=tcg|kvm overrides it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -n ${ACCEL:-} ]]; then
	case "$ACCEL" in tcg | kvm) echo "$ACCEL"; exit 0 ;; esac
	die "unknown ACCEL '$ACCEL' (tcg|kvm)"
fi
cache=$VTD_CACHE/accel.$(uname -r)
if [[ -f $cache ]]; then
	cat "$cache"
	exit 0
fi
accel=tcg
if [[ -r /dev/kvm && -w /dev/kvm ]]; then
	log "probing KVM: booting the lab kernel with -accel kvm (30 s at most)"
	out=$(mktemp -d)
	if ACCEL=kvm "$REPO/scripts/run-guest.sh" --image "$1" --initrd "$2" --timeout 30 \
		--out "$out" --quiet -- true >/dev/null 2>&1; then
		accel=kvm
	fi
	rm -rf "$out"
fi
log "accelerator: $accel"
mkdir -p "$VTD_CACHE"
echo "$accel" >"$cache"
echo "$accel"
