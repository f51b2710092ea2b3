#!/usr/bin/python3
"""fault-tool.py - senders, a lock holder, a change loop and the checks of
the fault and load tests (tests/fault/*.sh).

  probe PORT OUT PREFIX N INTERVAL FROM...
        send N messages to alice@staff.example through 127.0.0.1:PORT, one
        SMTP transaction each, INTERVAL seconds apart (0: as fast as they
        go), message I from FROM[I % len] with Message-ID
        <PREFIX.I@e2e.example>; OUT gets one line per message:
        "I START FROM MAIL RCPT DATA" (reply codes, "-" when not reached,
        START in epoch seconds, then the Message-ID); "conn" for a dropped
        connection, which is reopened for the next message
  check SINK OUT... -- FROM=EXPECT...
        join the probe lines with the sink: EXPECT is reject (550 at RCPT),
        tag (delivered with an X-Restriction header), plain (delivered
        without one) or tempfail (4xx); prints "sent= delivered= rejected=
        tempfailed= lost= duplicates= wrong=", the first wrong ones on stderr
  lock DB SECS READY [WAIT [INTO]]
        open DB, PRAGMA locking_mode=EXCLUSIVE, write (waiting up to WAIT
        seconds, default 10, for the lock), and hold the lock SECS seconds;
        READY is created once the lock is held. With INTO, DB is a copy
        that is renamed to INTO once locked (the milter's open connections
        hold WAL's shared lock on the file they have open, so nobody can
        take the one they use)
  locked DB
        exit 0 when another connection cannot read DB (it is locked)
  toggle CTL CONF OUT STOP INTERVAL FROM...
        every INTERVAL seconds add a block restriction on the next FROM
        (round robin; the person made by its first one, later ones --user)
        or lift the one added before, with restrictctl, until
        the file STOP exists; OUT gets "FROM add|lift ID BEGIN END" a change
  load-check SINK PROBES CHANGES SETTLE [FROM=EXPECT...]
        PROBES is a comma list of probe files. Every probe line whose
        sender's last change (by BEGIN) before the message's START ended
        more than SETTLE seconds earlier must be handled as that change
        says: reject after add, delivered without a tag after lift (and
        before any change); senders never changed as their EXPECT says;
        prints the figures

Only 127.0.0.1; Python's standard library only.
"""
import email.parser
import email.policy
import json
import os
import smtplib
import sqlite3
import subprocess
import sys
import time

HOST = "127.0.0.1"
TO = "alice@staff.example"


def code_of(exc_or_reply):
    return str(exc_or_reply[0]) if exc_or_reply else "-"


class Sender:
    """one SMTP connection, reopened when the server drops it"""

    def __init__(self, port):
        self.port, self.s, self.used = int(port), None, 0

    def conn(self):
        if self.s is None or self.used >= 100:
            self.close()
            self.s = smtplib.SMTP(HOST, self.port, timeout=60)
            self.s.ehlo("probe.e2e.example")
            self.used = 0
        self.used += 1
        return self.s

    def close(self):
        if self.s is not None:
            try:
                self.s.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.s = None

    def send(self, sender, msg):
        """(mail, rcpt, data) reply codes for one transaction"""
        codes = ["-", "-", "-"]
        try:
            s = self.conn()
            codes[0] = code_of(s.mail(sender))
            if codes[0] != "250":
                s.rset()
                return codes
            codes[1] = code_of(s.rcpt(TO))
            if codes[1] != "250":
                s.rset()
                return codes
            codes[2] = code_of(s.data(msg.encode()))
        except (smtplib.SMTPException, OSError) as e:
            codes[codes.index("-") if "-" in codes else 2] = "conn"
            sys.stderr.write("probe: %s: %s\n" % (sender, e))
            self.s = None
        return codes


def message(sender, prefix, i):
    return ("From: %s\r\nTo: %s\r\nSubject: probe %d\r\nMessage-ID: <%s.%d@e2e.example>\r\n"
            "Date: %s\r\n\r\nProbe message %d.\r\n"
            % (sender, TO, i, prefix, i,
               time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()), i))


def cmd_probe(port, out, prefix, n, interval, *senders):
    n, interval = int(n), float(interval)
    snd = Sender(port)
    next_t = time.time()
    with open(out, "w") as f:
        for i in range(n):
            if interval > 0:
                time.sleep(max(0.0, next_t - time.time()))
                next_t += interval
            sender = senders[i % len(senders)]
            start = time.time()
            codes = snd.send(sender, message(sender, prefix, i))
            f.write("%d %.3f %s %s %s.%d@e2e.example\n"
                    % (i, start, sender, " ".join(codes), prefix, i))
            f.flush()
    snd.close()
    return 0


def deliveries(directory):
    """Message-ID -> list of X-Restriction values, one list per delivery"""
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    out = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".eml"):
            with open(os.path.join(directory, name), "rb") as f:
                h = parser.parse(f)
            mid = " ".join(str(h.get("Message-ID", "")).split()).strip("<>")
            out.setdefault(mid, []).append(h.get_all("X-Restriction", []))
    return out


def probes(files):
    rows = []
    for fn in files:
        with open(fn) as f:
            for line in f:
                i, start, sender, mail, rcpt, data, mid = line.split()
                rows.append({"i": int(i), "start": float(start), "from": sender,
                             "mail": mail, "rcpt": rcpt, "data": data, "msgid": mid,
                             "file": os.path.basename(fn)})
    return rows


def outcome(row, got):
    """what happened to one probe: reject, tempfail, tag, plain, lost or error"""
    codes = (row["mail"], row["rcpt"], row["data"])
    if any(c.startswith("5") for c in codes):
        return "reject"
    if any(c.startswith("4") for c in codes):
        return "tempfail"
    if row["data"] != "250":
        return "error"
    if not got:
        return "lost"
    return "tag" if got[0] else "plain"


class Tally:
    def __init__(self):
        self.n = {"sent": 0, "delivered": 0, "rejected": 0, "tempfailed": 0, "lost": 0,
                  "duplicates": 0, "errors": 0, "wrong": 0}
        self.bad = []

    def add(self, row, got, want):
        o = outcome(row, got)
        self.n["sent"] += 1
        key = {"reject": "rejected", "tempfail": "tempfailed", "lost": "lost",
               "error": "errors"}.get(o, "delivered")
        self.n[key] += 1
        self.n["duplicates"] += max(0, len(got) - 1)
        if want is not None and o != want:
            self.n["wrong"] += 1
            if len(self.bad) < 10:
                self.bad.append("%s message %d from %s started %.3f: %s, want %s (%s %s %s)"
                                % (row["file"], row["i"], row["from"], row["start"], o, want,
                                   row["mail"], row["rcpt"], row["data"]))

    def show(self, extra=""):
        for b in self.bad:
            sys.stderr.write("wrong: %s\n" % b)
        print(" ".join("%s=%d" % kv for kv in self.n.items()) + extra)


def cmd_check(sink, *args):
    sep = args.index("--")
    files, expect = args[:sep], dict(a.split("=", 1) for a in args[sep + 1:])
    got = deliveries(sink)
    t = Tally()
    for row in probes(files):
        t.add(row, got.get(row["msgid"], []), expect.get(row["from"]))
    t.show()
    return 0


def cmd_lock(db, secs, ready, wait="10", into=None):
    c = sqlite3.connect(db, isolation_level=None, timeout=float(wait))
    c.execute("PRAGMA locking_mode=EXCLUSIVE")
    try:
        c.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        print("lock: %s" % e)
        return 1
    c.execute("UPDATE meta SET value = value WHERE key = 'generation'")
    c.execute("COMMIT")	# in EXCLUSIVE mode the lock outlives the transaction
    if into is not None:
        os.rename(db, into)
    open(ready, "w").close()
    time.sleep(float(secs))
    c.close()
    return 0


def cmd_locked(db):
    try:
        c = sqlite3.connect(db, timeout=0.2)
        c.execute("SELECT count(*) FROM meta").fetchall()
        c.close()
        return 1
    except sqlite3.OperationalError as e:
        return 0 if "locked" in str(e) else 1


def user_of(ctl, conf, rid):
    """the service user of restriction rid"""
    r = subprocess.run([ctl, "-c", conf, "show", rid, "--json"], capture_output=True,
                       text=True, check=True)
    return str(json.loads(r.stdout)["user_id"])


def cmd_toggle(ctl, conf, out, stop, interval, *senders):
    interval = float(interval)
    active, users = {}, {}
    k = 0
    next_t = time.time()
    with open(out, "w") as f:
        while not os.path.exists(stop):
            time.sleep(max(0.0, next_t - time.time()))
            next_t += interval
            who = senders[k % len(senders)]
            k += 1
            if who in active:
                argv = [ctl, "-c", conf, "lift", active[who], "--by", "Dana Head",
                        "--reason", "load test"]
            else:	# the person's first restriction creates them, later ones name them
                target = ["--user", users[who]] if who in users else [who]
                argv = [ctl, "-c", conf, "add"] + target + [
                    "--action", "block", "--reason", "load test", "--authorised-by", "Dana Head"]
            begin = time.time()
            r = subprocess.run(argv, capture_output=True, text=True)
            end = time.time()
            if r.returncode != 0:
                sys.stderr.write("toggle: %s: %s" % (" ".join(argv[3:5]), r.stderr))
                return 1
            if who in active:
                f.write("%s lift %s %.3f %.3f\n" % (who, active.pop(who), begin, end))
            else:
                active[who] = r.stdout.split("\n")[0].strip()
                if who not in users:
                    users[who] = user_of(ctl, conf, active[who])
                f.write("%s add %s %.3f %.3f\n" % (who, active[who], begin, end))
            f.flush()
    return 0


def cmd_load_check(sink, probe_files, changes_file, settle, *fixed):
    settle = float(settle)
    changes = {}
    with open(changes_file) as f:
        for line in f:
            who, what, _, begin, end = line.split()
            changes.setdefault(who, []).append((float(begin), float(end), what))
    fixed = dict(a.split("=", 1) for a in fixed)
    got = deliveries(sink)
    t = Tally()
    checked = 0
    for row in probes(probe_files.split(",")):
        if row["from"] in fixed:
            checked += 1
            t.add(row, got.get(row["msgid"], []), fixed[row["from"]])
            continue
        last = None
        for c in changes.get(row["from"], []):
            if c[0] <= row["start"]:
                last = c
        want = None
        if last is None or last[1] + settle < row["start"]:
            want = "reject" if last is not None and last[2] == "add" else "plain"
            checked += 1
        t.add(row, got.get(row["msgid"], []), want)
    nchanges = sum(len(v) for v in changes.values())
    t.show(" checked=%d changes=%d" % (checked, nchanges))
    return 0


COMMANDS = {
    "probe": cmd_probe, "check": cmd_check, "lock": cmd_lock, "locked": cmd_locked,
    "toggle": cmd_toggle, "load-check": cmd_load_check,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.stderr.write(__doc__)
        return 2
    return COMMANDS[argv[1]](*argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
