#!/usr/bin/env bash
# build-kernel.sh vanilla|patched|uptoN lab|debug|trace: configure and build a
# guest kernel out of tree, print the path of its bzImage.  uptoN: the first
# N patches of the series only (kernel-src.sh upto N).
#
# The configuration is `make tinyconfig` + kernel/lab.config (+ debug.config
# for the debug kernel, + trace.config for the latency-tracing one, +
# patched.config for the patched tree when present).
# After olddefconfig every option the fragments ask for is checked; the build
# fails naming those that did not stick.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavor=${1:-}
cfg=${2:-}
case "$flavor" in vanilla | patched | upto[1-9] | upto[1-9][0-9]) ;;
*) die "unknown kernel '$flavor' (vanilla|patched|uptoN)" ;; esac
case "$cfg" in lab | debug | trace) ;; *) die "unknown config '$cfg' (lab|debug|trace)" ;; esac

ver=$(debver)
if [[ $flavor == upto* ]]; then
	src=$("$REPO/scripts/kernel-src.sh" upto "${flavor#upto}")
else
	src=$("$REPO/scripts/kernel-src.sh" "$flavor")
fi
obj=$src/obj-$cfg

frags=("$REPO/kernel/lab.config")
[[ $cfg == debug ]] && frags+=("$REPO/kernel/debug.config")
[[ $cfg == trace ]] && frags+=("$REPO/kernel/trace.config")
[[ $flavor == patched && -f $REPO/kernel/patched.config ]] && frags+=("$REPO/kernel/patched.config")
[[ $flavor == patched && $cfg == debug && -f $REPO/kernel/patched-debug.config ]] &&
	frags+=("$REPO/kernel/patched-debug.config")

# check_config CONFIG FRAGMENT...: every CONFIG_X=v or "# CONFIG_X is not
# set" line of the fragments must hold in CONFIG.
check_config() {
	local config=$1 line opt missing=()
	shift
	while read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			grep -qxF "$line" "$config" || missing+=("$line")
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
			grep -q "^$opt=" "$config" && missing+=("$line")
		fi
	done < <(cat "$@")
	if ((${#missing[@]})); then
		echo "error: options not set after olddefconfig (${config}):" >&2
		printf '  %s\n' "${missing[@]}" >&2
		return 1
	fi
}

mkdir -p "$obj"
want=$(cat "${frags[@]}" | sha256sum | cut -c1-16)
if [[ ! -f $obj/.config || "$(cat "$obj/.frag-hash" 2>/dev/null)" != "$want" ]]; then
	log "configuring $flavor/$cfg in $obj"
	rm -f "$obj/.frag-hash"
	make -s -C "$src" O="$obj" tinyconfig >/dev/null
	(cd "$obj" && KCONFIG_CONFIG=.config "$src/scripts/kconfig/merge_config.sh" -m \
		.config "${frags[@]}" >/dev/null)
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
	check_config "$obj/.config" "${frags[@]}"
	echo "$want" >"$obj/.frag-hash"
fi

cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
log "building $flavor/$cfg kernel ($ver) in $obj"
if ! make -C "$src" O="$obj" -j"$(nproc)" CC="$cc" \
	KBUILD_BUILD_TIMESTAMP="vtd-reclaim" KBUILD_BUILD_USER=vtd KBUILD_BUILD_HOST=lab \
	bzImage >"$obj/build.log" 2>&1; then
	grep -E 'error|Error' "$obj/build.log" | head -n 20 >&2 || true
	tail -n 20 "$obj/build.log" >&2
	die "kernel build failed: $flavor/$cfg (full log: $obj/build.log)"
fi
echo "$obj/arch/x86/boot/bzImage"
