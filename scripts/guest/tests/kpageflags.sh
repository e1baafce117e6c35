#!/bin/sh
# What mm reports of the edu device's IOMMU page tables while an iommufd
# sweep (VFIO type1 caps a container at 65535 mappings)
# keeps thousands of mappings live: for the root and for the tables that
# the debugfs translation dump shows an entry pointing to (at most MAX of
# them), /proc/kpageflags must have no MMAP flag and /proc/kpagecount must
# read 0.  Only tables still in a second dump taken after the reads count
# (--keep maps everything before it unmaps anything, so such a table was
# live throughout).  A series that keeps its entry count in a bare
# page->_mapcount (v6) fails: a table with N entries reads as mapped N times.
# Usage: kpageflags.sh SIZE MAX
# shellcheck shell=dash
# shellcheck disable=SC1091
. /tests/lib.sh

size=$1
max=$2
KPF_MMAP=11
KPF_PGTABLE=26
bdf=$(edu_bdf)
dump=/sys/kernel/debug/iommu/intel/$bdf/domain_translation_struct

# u64_at FILE PFN: the 64-bit word of FILE for PFN (dd seeks; od -j reads
# its way there).
u64_at() {
	dd if="$1" bs=8 skip="$2" count=1 2>/dev/null | od -An -tu8 | tr -d ' '
}

# table_pfns: the root and the tables that the dump's entries point to, in
# hex: on each line, every entry but the last (the leaf) is a table pointer.
# All of them, sorted.
table_pfns() {
	awk '/^Device .*@0x/ { sub(/.*@/, ""); print; next }
	     / \|/ { n = 0
		     for (i = 3; i <= NF; i++) if ($i != "0x0000000000000000") v[++n] = $i
		     for (i = 1; i < n; i++) print v[i] }' "$dump" |
		sort -u
}

check "$dump is readable" test -r "$dump"
# --keep maps everything first: while it maps, no table is freed.
iova_stress sweep --backend iommufd --size "$size" --keep --json -q >/tmp/kpf.json &
pid=$!
sleep 3
t0=$(date +%s)
table_pfns | head -n "$max" >/tmp/kpf.before
: >/tmp/kpf.read
while read -r v; do
	pfn=$(( (v & 0x000ffffffffff000) >> 12 ))
	echo "$v $(u64_at /proc/kpageflags "$pfn") $(u64_at /proc/kpagecount "$pfn")" >>/tmp/kpf.read
done </tmp/kpf.before
table_pfns >/tmp/kpf.after
echo "dump, reads and second dump: $(($(date +%s) - t0)) s"
tables=0 mapped=0 counted=0 typed=0
while read -r v flags count; do
	grep -qx "$v" /tmp/kpf.after || continue
	pfn=$(( (v & 0x000ffffffffff000) >> 12 ))
	tables=$((tables + 1))
	[ $(( (flags >> KPF_MMAP) & 1 )) -eq 1 ] && mapped=$((mapped + 1))
	[ $(( (flags >> KPF_PGTABLE) & 1 )) -eq 1 ] && typed=$((typed + 1))
	[ "${count:-0}" -ne 0 ] && counted=$((counted + 1))
	[ "$tables" -le 3 ] && echo "table pfn $pfn: kpageflags $flags kpagecount $count"
done </tmp/kpf.read
wait "$pid"
rc=$?
cat /tmp/kpf.json
echo "tables read: $(wc -l </tmp/kpf.read), still live after: $tables, PGTABLE: $typed, MMAP: $mapped, kpagecount != 0: $counted"
check "sweep exits 0 (got $rc)" test "$rc" -eq 0
check "live tables read ($tables)" test "$tables" -gt 1
check "no table has the MMAP flag ($mapped)" test "$mapped" -eq 0
check "every table has kpagecount 0 ($counted not)" test "$counted" -eq 0
finish
