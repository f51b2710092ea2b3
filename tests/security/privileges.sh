#!/bin/sh
# privileges.sh - the daemon and the files (SPEC "The daemon", "Files"),
# run as root: restrict-milter binds, opens the database and then runs as
# User (every uid and gid in /proc/PID/status, no root group left); its
# unix socket has mode 0660 and group SocketGroup; the database directory,
# file and the -wal/-shm files the milter creates are not world-readable;
# restrictctl run by a user who cannot write the database refuses with one
# line naming it and a non-zero status, and stores nothing.
. "$top_srcdir/tests/cli/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (to start the daemon and drop to User)"
	exit 77
fi
MILTER="$top_builddir/milter/restrict-milter"
USERNAME=nobody
SOCKGROUP=mail
getent passwd "$USERNAME" >/dev/null && getent group "$SOCKGROUP" >/dev/null || {
	echo "1..0 # SKIP no user $USERNAME or group $SOCKGROUP"
	exit 77
}
uid=$(id -u "$USERNAME")
gid=$(id -g "$USERNAME")
OTHER=4242	# an unprivileged uid with no access to the database

# perms PATH - octal mode and owner:group names
perms() {
	stat -c '%a %U:%G' "$1"
}

# not_world PATH DESC - no permission bit for others
not_world() {
	m=$(stat -c '%a' "$1" 2>/dev/null) || { not_ok "$2: $1 missing"; return; }
	case $m in
		*0) ok "$2 ($m)" ;;
		*) not_ok "$2: mode $m gives others access" ;;
	esac
}

write_config "User $USERNAME" "SocketGroup $SOCKGROUP" "SocketMode 0660" \
	"Socket unix:$T/run/milter.sock" "PidFile $T/run/milter.pid" "InternalHosts 127.0.0.0/8"
chmod 644 "$CONF"
mkdir "$T/run"

# 1. restrictctl init: the directory and the database
run init
expect_exit 0 "init as root with User $USERNAME"
expect_eq "$(perms "$T/db")" "2770 $USERNAME:$(id -gn "$USERNAME")" "database directory 2770, owned by User"
not_world "$T/db" "database directory not world-accessible"
not_world "$DB" "database not world-readable"
for f in "$DB-wal" "$DB-shm"; do
	[ -e "$f" ] && not_world "$f" "init's $(basename "$f") not world-readable"
done
# the milter must create its own -wal/-shm (they go when the last connection closes cleanly)
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
rm -f "$DB-wal" "$DB-shm"

# 2. the daemon drops to User after binding and opening
"$MILTER" -f -c "$CONF" 2>"$T/milter.log" &
pid=$!
stop_milter() {
	kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
trap 'stop_milter; rm -rf "$T"' EXIT
i=0
while [ ! -S "$T/run/milter.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
i=0
while [ ! -e "$DB-wal" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
if kill -0 "$pid" 2>/dev/null; then ok "the daemon runs (pid $pid)"; else not_ok "the daemon runs"; diag "$T/milter.log"; fi
expect_eq "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" "$uid $uid $uid $uid" \
	"real, effective, saved and filesystem uid are $USERNAME's"
expect_eq "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" "$gid $gid $gid $gid" \
	"real, effective, saved and filesystem gid are $USERNAME's"
groups=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$pid/status")
case " $groups " in
	*" 0 "*) not_ok "supplementary groups without root's ($groups)" ;;
	*) ok "supplementary groups without root's:$groups" ;;
esac
expect_eq "$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")" 0000000000000000 "no effective capabilities"
expect_eq "$(stat -c '%a %G' "$T/run/milter.sock" 2>/dev/null)" "660 $SOCKGROUP" \
	"socket created with mode 0660 and group $SOCKGROUP"
not_world "$T/db" "database directory still not world-accessible"
not_world "$DB" "database still not world-readable"
not_world "$DB-wal" "the milter's -wal not world-readable"
not_world "$DB-shm" "the milter's -shm not world-readable"
stop_milter
# a sanitizer build reports into the daemon's log
if grep -qE 'ERROR: AddressSanitizer|runtime error:' "$T/milter.log"; then
	not_ok "no sanitizer report from the daemon"
	diag "$T/milter.log"
else
	ok "no sanitizer report from the daemon"
fi

# 3. restrictctl refuses a database it cannot write: one line, exit 1, nothing stored
before=$(db_state)
as_other() {
	setpriv --reuid=$OTHER --regid=$OTHER --clear-groups "$RESTRICTCTL" -c "$CONF" "$@" \
		>"$T/out" 2>"$T/err"
	status=$?
}
as_other add "x@example.org" --action watch --reason r --authorised-by Dana
expect_exit 1 "add by a user who cannot reach the database"
expect_err "$DB" "… one line naming the database"
# readable but not writable: a copy in a world-readable directory, mode 0644
mkdir "$T/ro" && chmod 755 "$T/ro"
sqlite3 "$DB" ".backup '$T/ro/restrict.db'"
chmod 644 "$T/ro/restrict.db"
DB_RO="$T/ro/restrict.db"
ro_state=$(DB=$DB_RO db_state)
setpriv --reuid=$OTHER --regid=$OTHER --clear-groups "$RESTRICTCTL" -c "$CONF" -d "$DB_RO" \
	add "x@example.org" --action watch --reason r --authorised-by Dana >"$T/out" 2>"$T/err"
status=$?
expect_exit 1 "add on a database readable but not writable by the user"
expect_err "$DB_RO.*(writ|permission|read-only)" "… one clear line naming the database"
setpriv --reuid=$OTHER --regid=$OTHER --clear-groups "$RESTRICTCTL" -c "$CONF" -d "$DB_RO" \
	lift 1 --by Dana --reason r >"$T/out" 2>"$T/err"
status=$?
expect_exit 1 "lift on a database the user cannot write"
expect_eq "$(DB=$DB_RO db_state)" "$ro_state" "nothing stored in the read-only copy"
expect_eq "$(db_state)" "$before" "nothing stored in the database"
cat "$T/err" | sed "s/^/# last refusal: /"
finish
