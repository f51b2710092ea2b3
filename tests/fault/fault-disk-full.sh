#!/bin/sh
# fault-disk-full.sh - the event writer's disk fills up while mail flows.
#
# The database lives on a small tmpfs of its own, mounted in the temp dir
# and unmounted by the cleanup trap (16 MiB: room for the WAL, which grows
# to about 4 MiB before SQLite checkpoints it). Once some mail has gone through,
# a filler file takes every free block: the writer's next WAL append fails
# with SQLITE_FULL. Mail must still flow and be decided as before (the
# snapshot is in memory), the writer must log the failure, keep the
# events queued, and write them all once the filler is removed.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"
. "$top_srcdir/tests/fault/fault-lib.sh"

N1=40		# before the disk fills
N2=300		# while it is full (0.02 s apart)
N3=40		# after space returns
fault_setup diskfull
mnt="$PH_DIR/rm/db"
mkdir -p "$mnt"
mount -t tmpfs -o size=16m,mode=2770 tmpfs "$mnt" 2>"$PH_DIR/mount.err" \
	|| ph_skip "cannot mount a tmpfs: $(cat "$PH_DIR/mount.err")"
chown postfix:postfix "$mnt"

# fault_teardown - stop the milter (its files are on the tmpfs), unmount, the rest
fault_teardown() {
	ph_milter_stop rm
	umount "$mnt" 2>/dev/null || umount -l "$mnt"
	ph_teardown
}
trap 'fault_teardown' EXIT

fault_conf
rblock=$(fault_add blocked@example.org --action block)
rfile=$(fault_add filed@example.org --action file)
fault_mx
senders="blocked@example.org filed@example.org other@example.net"

fault_probe "$PH_DIR/before.probe" before "$N1" 0 $senders >"$PH_DIR/probe.out" 2>&1
i=0
while [ "$(fault_events)" != "$N1" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(fault_events)" "$N1" "before the disk fills: $N1 events written"

dd if=/dev/zero of="$mnt/filler" bs=4k >/dev/null 2>&1
filler=$(du -k "$mnt/filler" | cut -f1)
echo "# tmpfs full: $(df -k "$mnt" | awk 'NR == 2 { print $4 }') KiB free, filler $filler KiB"
if [ "$filler" -gt 0 ]; then
	ok "the filler took the free space ($filler KiB)"
else
	not_ok "the filler took the free space (the disk was full before it)"
fi
fault_probe "$PH_DIR/full.probe" full "$N2" 0.02 $senders >>"$PH_DIR/probe.out" 2>&1
sleep 2
expect_match "$(grep 'events:' "$PH_DIR/rm/milter.log")" 'full' \
	"the event writer met the full disk and logged it"
stuck=$(fault_events)
echo "# events in the database while the disk is full: $stuck (of $((N1 + N2)) messages)"
if [ "$stuck" -lt $((N1 + N2)) ]; then
	ok "the full disk really held events back"
else
	not_ok "the full disk really held events back ($stuck rows)"
fi

rm -f "$mnt/filler"
fault_probe "$PH_DIR/after.probe" after "$N3" 0 $senders >>"$PH_DIR/probe.out" 2>&1
total=$((N1 + N2 + N3))
i=0
while [ "$(fault_events)" != "$total" ] && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(fault_events)" "$total" "space back: every message's event written ($total)"
expect_match "$(grep 'events:' "$PH_DIR/rm/milter.log")" 'writing again' \
	"the event writer logged its recovery"

fault_check "disk-full test" "$PH_DIR/before.probe" "$PH_DIR/full.probe" "$PH_DIR/after.probe" \
	-- blocked@example.org=reject filed@example.org=tag other@example.net=plain
expect_eq "${ft_sent:-?}" "$total" "all $total probes sent"
expect_eq "${ft_wrong:-?}" 0 "every message handled as its sender's restriction says, disk full or not"
expect_eq "${ft_tempfailed:-?}" 0 "no message refused wrongly (no 4xx)"
fault_expect_none_lost "disk-full test"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
