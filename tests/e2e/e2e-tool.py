#!/usr/bin/python3
"""e2e-tool.py - the small network pieces of the end-to-end tests.

  ports N                 N distinct free TCP ports on 127.0.0.1, one a line
  busy PORT               exit 0 when something listens on 127.0.0.1:PORT
  wait-port PORT SECS     exit 0 once 127.0.0.1:PORT accepts, 1 after SECS
  sink PORT DIR           an SMTP server on 127.0.0.1:PORT (ESMTP with DSN):
                          each message becomes DIR/NNNNNN.eml, written whole
                          and renamed into place, starting with one
                          "X-Sink-Mail-From:" and one "X-Sink-Rcpt-To:" line
                          per recipient (the envelope with its ESMTP
                          parameters, e.g. NOTIFY=NEVER), then the message
  rcpts DIR MSGID         delivered recipients of that Message-ID (all
                          deliveries), sorted, one a line: the address, then
                          " NOTIFY=..." when the MTA passed one
  header DIR MSGID NAME   values of header NAME in its delivery, one a line
  prefixed DIR MSGID PRE  "Name: value" of its headers whose names start
                          with PRE (any case), one a line
  count DIR MSGID         how many deliveries carry that Message-ID
  stream PORT N PREFIX EVERY FROM OTHER TO [PACE_MS]
                          send N messages over one SMTP connection, each with
                          Message-ID <PREFIX.I@e2e.example>; every EVERY-th
                          from FROM, the others from OTHER; PACE_MS between
                          messages (default 0)
  stream-check DIR PREFIX N EVERY TAG
                          count deliveries of that stream: prints sent,
                          delivered, duplicates, lost, restricted messages,
                          and the Message-IDs missing
                          without TAG and unrestricted ones with it
  show DIR PREFIXES [MSGID]
                          per delivery (of MSGID): recipients, then the
                          headers whose names start with one of PREFIXES
                          (a comma list), or "nothing delivered"

Only loopback addresses; the sink refuses nothing and keeps no state but
its files. Python's standard library only.
"""
import email.parser
import email.policy
import os
import signal
import smtplib
import socket
import socketserver
import sys
import threading
import time

HOST = "127.0.0.1"


def cmd_ports(n):
    socks, ports = [], []
    try:
        while len(ports) < int(n):
            s = socket.socket()
            s.bind((HOST, 0))
            port = s.getsockname()[1]
            socks.append(s)
            if port not in ports and not busy(port):
                ports.append(port)
    finally:
        for s in socks:
            s.close()
    print("\n".join(str(p) for p in ports))


def busy(port):
    try:
        with socket.create_connection((HOST, int(port)), timeout=1):
            return True
    except OSError:
        return False


def cmd_wait_port(port, secs):
    end = time.monotonic() + float(secs)
    while time.monotonic() < end:
        if busy(port):
            return 0
        time.sleep(0.05)
    return 1


class Sink(socketserver.StreamRequestHandler):
    """One SMTP session; enough of RFC 5321 for Postfix's smtp client."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink.e2e.example ESMTP e2e sink")
        mail, rcpts = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink.e2e.example\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                           "250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE 104857600")
            elif verb == "HELO":
                self.reply("250 sink.e2e.example")
            elif verb == "MAIL":
                mail, rcpts = cmd[10:].strip(), []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                rcpts.append(cmd[8:].strip())
                self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    d = self.rfile.readline()
                    if not d or d in (b".\r\n", b".\n"):
                        break
                    data.append(d[1:] if d.startswith(b"..") else d)
                self.server.save(mail, rcpts, b"".join(data))
                mail, rcpts = None, []
                self.reply("250 2.0.0 Ok: queued")
            elif verb == "RSET":
                mail, rcpts = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")


class SinkServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port, directory):
        super().__init__((HOST, int(port)), Sink)
        self.directory = directory
        self.lock = threading.Lock()
        self.serial = 0

    def save(self, mail, rcpts, data):
        with self.lock:
            self.serial += 1
            n = self.serial
        head = "X-Sink-Mail-From: %s\r\n" % mail
        head += "".join("X-Sink-Rcpt-To: %s\r\n" % r for r in rcpts)
        tmp = os.path.join(self.directory, ".%06d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(head.encode() + data)
        os.rename(tmp, os.path.join(self.directory, "%06d.eml" % n))


def cmd_sink(port, directory):
    os.makedirs(directory, exist_ok=True)
    server = SinkServer(port, directory)
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
    server.serve_forever(poll_interval=0.2)
    return 0


def deliveries(directory):
    """(file name, parsed headers) of every delivered message, in order"""
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    out = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".eml"):
            with open(os.path.join(directory, name), "rb") as f:
                out.append((name, parser.parse(f)))
    return out


def unfold(v):
    return " ".join(str(v).split())


def msgid_of(h):
    return unfold(h.get("Message-ID", "")).strip("<>")


def of_msgid(directory, msgid):
    msgid = msgid.strip("<>")
    return [h for _, h in deliveries(directory) if msgid_of(h) == msgid]


def rcpt_list(h):
    out = []
    for r in h.get_all("X-Sink-Rcpt-To", []):
        words = unfold(r).split(" ")
        notify = [w for w in words[1:] if w.upper().startswith("NOTIFY=")]
        out.append(" ".join([words[0].strip("<>")] + notify))
    return out


def cmd_rcpts(directory, msgid):
    got = set()
    for h in of_msgid(directory, msgid):
        got.update(rcpt_list(h))
    print("\n".join(sorted(got)))


def cmd_header(directory, msgid, name):
    found = of_msgid(directory, msgid)
    if found:
        for v in found[0].get_all(name, []):
            print(unfold(v))


def cmd_prefixed(directory, msgid, prefix):
    found = of_msgid(directory, msgid)
    if found:
        for k, v in found[0].items():
            if k.lower().startswith(prefix.lower()):
                print("%s: %s" % (k, unfold(v)))


def cmd_count(directory, msgid):
    print(len(of_msgid(directory, msgid)))


def cmd_stream(port, n, prefix, every, restricted, other, to, pace_ms="0"):
    n, every, pace = int(n), int(every), int(pace_ms) / 1000.0
    with smtplib.SMTP(HOST, int(port), timeout=60) as s:
        s.ehlo("stream.e2e.example")
        for i in range(n):
            sender = restricted if i % every == 0 else other
            msg = ("From: %s\r\nTo: %s\r\nSubject: stream message %d\r\n"
                   "Message-ID: <%s.%d@e2e.example>\r\nDate: %s\r\n\r\n"
                   "Message %d of the restart stream.\r\n"
                   % (sender, to, i, prefix, i,
                      time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()), i))
            s.sendmail(sender, [to], msg.encode())
            if pace:
                time.sleep(pace)
    return 0


def cmd_stream_check(directory, prefix, n, every, tag):
    n, every = int(n), int(every)
    seen = {}
    untagged = tagged_other = 0
    for _, h in deliveries(directory):
        mid = msgid_of(h)
        if not mid.startswith(prefix + ".") or not mid.endswith("@e2e.example"):
            continue
        try:
            i = int(mid[len(prefix) + 1:-len("@e2e.example")])
        except ValueError:
            continue
        seen[i] = seen.get(i, 0) + 1
        has_tag = any(unfold(v).startswith(tag) for v in h.get_all("X-Restriction", []))
        if i % every == 0 and not has_tag:
            untagged += 1
        if i % every != 0 and has_tag:
            tagged_other += 1
    delivered = sum(1 for i in seen if 0 <= i < n)
    dups = sum(c - 1 for c in seen.values())
    missing = ",".join("%s.%d@e2e.example" % (prefix, i) for i in range(n) if i not in seen)
    print("sent=%d delivered=%d duplicates=%d lost=%d untagged_restricted=%d tagged_other=%d"
          " missing=%s" % (n, delivered, dups, n - delivered, untagged, tagged_other,
                           missing[:2000] or "none"))


def cmd_show(directory, prefixes, msgid=None):
    pre = [p.lower() for p in prefixes.split(",") if p]
    found = 0
    for name, h in deliveries(directory):
        if msgid is not None and msgid_of(h) != msgid.strip("<>"):
            continue
        found += 1
        print("    delivered to: %s" % ", ".join(rcpt_list(h)))
        for k, v in h.items():
            if any(k.lower().startswith(p) for p in pre):
                print("      %s: %s" % (k, unfold(v)))
    if not found:
        print("    nothing delivered")


COMMANDS = {
    "ports": cmd_ports, "wait-port": cmd_wait_port, "sink": cmd_sink,
    "rcpts": cmd_rcpts, "header": cmd_header, "prefixed": cmd_prefixed, "count": cmd_count,
    "stream": cmd_stream, "stream-check": cmd_stream_check, "show": cmd_show,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS and argv[1] != "busy":
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "busy":
        return 0 if busy(argv[2]) else 1
    rc = COMMANDS[argv[1]](*argv[2:])
    return rc or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
