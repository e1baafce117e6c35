#!/usr/bin/env bash
# series.sh work|export: edit the kernel series with git.
#   work    create build/series-work, a git repo of the vanilla files the
#           series touches, with kernel/*.patch applied as commits (git am)
#   export  write its commits back to kernel/ as `git format-patch` files,
#           keeping the cover letter's subject and text, update
#           kernel/series and run checkpatch.pl --strict on every patch
set -euo pipefail
. "$(dirname "$0")/lib.sh"

work=$BUILD/series-work
ident=(-c user.name=vtd-reclaim -c user.email=vtd-reclaim@example.org)
base_tag=vanilla

# patches: the series' patch files in order (NNNN-*.patch but the cover
# letter, 0000), as paths.
patches() {
	local f
	for f in "$REPO"/kernel/[0-9][0-9][0-9][0-9]-*.patch; do
		[[ $(basename "$f") == 0000-* ]] || echo "$f"
	done
}

case "${1:-}" in
work)
	[[ ! -e $work ]] || die "$work exists; remove it first"
	van=$("$REPO/scripts/kernel-src.sh" base)
	mkdir -p "$work"
	mapfile -t list < <(patches)
	files=$(cat "${list[@]}" | grep -E '^\+\+\+ b/' | cut -c7- | sort -u)
	for f in $files; do
		# a file the series creates is not in vanilla: git am adds it
		[[ -e $van/$f ]] || continue
		mkdir -p "$work/$(dirname "$f")"
		cp "$van/$f" "$work/$f"
	done
	git -C "$work" init -q
	git -C "$work" add -A
	git "${ident[@]}" -C "$work" commit -qm "base: linux-source $(debver)"
	git -C "$work" tag "$base_tag"
	git "${ident[@]}" -C "$work" am -q "${list[@]}"
	git -C "$work" log --oneline
	;;
export)
	[[ -d $work/.git ]] || die "no $work (run: scripts/series.sh work)"
	old=$(mktemp)
	cp "$REPO/kernel/0000-cover-letter.patch" "$old"
	rm -f "$REPO"/kernel/0*.patch
	git "${ident[@]}" -C "$work" format-patch -q --signoff --cover-letter \
		-o "$REPO/kernel" "$base_tag..HEAD"
	python3 - "$old" "$REPO/kernel/0000-cover-letter.patch" <<'PY'
import re, sys
old = open(sys.argv[1]).read()
new = open(sys.argv[2]).read()
subject = re.search(r'^Subject: \[PATCH[^\]]*\] (.*)$', old, re.M).group(1)
head, _, rest = old.partition('\n\n')
# The blurb ends where format-patch's shortlog starts ("Author (N):").
blurb = re.split(r'\n[^\n]+ \(\d+\):\n  ', rest)[0].rstrip('\n') + '\n'
new = new.replace('*** SUBJECT HERE ***', subject).replace('*** BLURB HERE ***\n', blurb)
open(sys.argv[2], 'w').write(new)
PY
	rm -f "$old"
	{
		sed -n '/^#/p' "$REPO/kernel/series"
		patches | xargs -n1 basename
	} >"$REPO/kernel/series.tmp"
	mv "$REPO/kernel/series.tmp" "$REPO/kernel/series"
	van=$("$REPO/scripts/kernel-src.sh" base)
	for p in $(patches); do
		checkpatch_strict "$van" "$p" || die "checkpatch: $(basename "$p")"
	done
	log "exported $(grep -c '^0' "$REPO/kernel/series") patches; checkpatch --strict clean"
	;;
*) die "usage: series.sh work|export" ;;
esac
