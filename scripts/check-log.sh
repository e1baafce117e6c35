#!/usr/bin/env bash
# check-log.sh CONSOLE_LOG RESULT_FILE: fail (exit 1, reasons on stderr) if
# the guest's kernel log shows a BUG, WARNING, KASAN or lockdep report, a bad
# page, an oops or panic, or a DMAR fault at an address the job did not
# announce with an "EXPECT_DMAR_FAULT 0x<iova>" line in its result.  A job
# that injects allocation failures says "EXPECT_ALLOC_FAILURES" in its
# result: the "page allocation failure" reports (and their stack traces)
# are then expected; nothing else is.
set -euo pipefail

console=${1:?usage: check-log.sh CONSOLE_LOG RESULT_FILE}
result=${2:?usage: check-log.sh CONSOLE_LOG RESULT_FILE}

bad='BUG:|WARNING:|KASAN|UBSAN|kernel BUG|Bad page state|Oops|Kernel panic|general protection fault'
bad+='|possible recursive locking|possible circular locking|inconsistent lock state'
bad+='|INFO: possible|suspicious RCU usage|held lock freed|bad unlock balance|irq lock inversion'
bad+='|DEBUG_LOCKS_WARN_ON|list_add corruption|list_del corruption'
bad+='|soft lockup|hard LOCKUP|blocked for more than|rcu_.*stall|Call Trace:'
rc=0
log=$console
if grep -aq '^EXPECT_ALLOC_FAILURES' "$result" 2>/dev/null; then
	log=$(mktemp)
	# Drop each "page allocation failure" report up to the end of its trace.
	awk '/page allocation failure:/ { skip = 1 }
		!skip { print }
		skip && /<\/TASK>/ { skip = 0 }' "$console" >"$log"
fi
if grep -aEn "$bad" "$log" | grep -av 'lockdep: fixing up' >/tmp/check-log.$$; then
	echo "guest kernel log has reports:" >&2
	head -n 20 /tmp/check-log.$$ | sed 's/^/  /' >&2
	rc=1
fi
rm -f /tmp/check-log.$$
[[ $log == "$console" ]] || rm -f "$log"

# DMAR faults: allowed only at announced addresses (page granular).
expected=$(grep -aoE '^EXPECT_DMAR_FAULT 0x[0-9a-fA-F]+' "$result" 2>/dev/null |
	awk '{ print $2 }' | sort -u || true)
while read -r addr; do
	[[ -n $addr ]] || continue
	page=$(printf '0x%x' $((addr & ~0xfff)))
	ok=0
	for e in $expected; do
		[[ $(printf '0x%x' $((e & ~0xfff))) == "$page" ]] && ok=1 && break
	done
	if ((!ok)); then
		echo "unexpected DMAR fault at $addr" >&2
		rc=1
	fi
done < <(grep -aoE 'DMAR: \[DMA (Read|Write)[^]]*\].*fault addr (0x)?[0-9a-fA-F]+' "$console" |
	sed -E 's/.*fault addr (0x)?([0-9a-fA-F]+)$/0x\2/')
exit "$rc"
