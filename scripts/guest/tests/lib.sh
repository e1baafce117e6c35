# shellcheck shell=dash
# Helpers for the in-guest test scripts (busybox sh).  Each check prints
# "ok - what" or "not ok - what"; finish() prints the counts and sets the
# exit status.

PASSES=0
FAILS=0

ok() {
	PASSES=$((PASSES + 1))
	echo "ok - $*"
}

not_ok() {
	FAILS=$((FAILS + 1))
	echo "not ok - $*"
}

# check WHAT CMD...: ok if CMD succeeds.
check() {
	what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else not_ok "$what"; fi
}

# run_check WHAT CMD...: run CMD, print its output and keep it in $out; ok if
# it exits 0.
run_check() {
	what=$1
	shift
	out=$("$@")
	rc=$?
	echo "$out"
	check "$what exits 0 (got $rc)" test "$rc" -eq 0
}

finish() {
	echo "guest: $PASSES ok, $FAILS not ok"
	[ "$FAILS" -eq 0 ]
}

# edu_bdfs: the PCI addresses of every edu device, in bus order.
edu_bdfs() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
			echo "${d##*/}"
		fi
	done
}

# edu_bdf: the PCI address of the (first) edu device.
edu_bdf() {
	edu_bdfs | head -n 1 | grep .
}

# nvme_bdf: the PCI address of the NVMe controller behind /dev/nvme0n1
# (empty if there is none).
nvme_bdf() {
	basename "$(readlink -f /sys/class/block/nvme0n1/device/device 2>/dev/null)" 2>/dev/null
}

# pt_pages: IOMMU page-table pages now (vmstat folded first).
pt_pages() {
	echo 1 >/proc/sys/vm/stat_refresh
	awk '$1 == "nr_iommu_pages" { print $2 }' /proc/vmstat
}

# json_num JSON KEY: the first number stored under KEY in JSON.
json_num() {
	echo "$1" | grep -o "\"$2\": *-\{0,1\}[0-9][0-9.]*" | head -n 1 | sed 's/.*: *//'
}

# ptstat TEXT KEY: the number after KEY in a page_table_stats text (patch 6).
ptstat() {
	echo "$1" | awk -v k="$2" '$1 == k { print $2 }'
}

# json_str JSON KEY: the first string stored under KEY in JSON.
json_str() {
	echo "$1" | grep -o "\"$2\": *\"[^\"]*\"" | head -n 1 | sed 's/.*: *"//; s/"$//'
}
