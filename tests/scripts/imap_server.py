#!/usr/bin/python3
"""A small IMAP server for tests: one mailbox (INBOX) of the messages in --maildir.

    imap_server.py --port-file F --out F.jsonl --maildir DIR [--auth USER:PASSWORD]

Listens on 127.0.0.1 on a free port (plain IMAP, no TLS) and writes the port to --port-file once
listening. The mailbox holds DIR's *.eml files in name order, UIDs 1, 2, ... (a file added later
gets the next UID when the next session selects the mailbox). It understands what libcurl's IMAP
client sends: CAPABILITY, LOGIN, SELECT/EXAMINE, UID SEARCH (UNSEEN or ALL), UID FETCH n BODY[]
(which sets \\Seen, as real servers do), UID STORE n +FLAGS/-FLAGS (\\Seen), NOOP, LOGOUT. Every
change of a message's \\Seen flag is appended to --out as {"uid", "seen", "command"}.
Exits with status 0 on SIGTERM or SIGINT.
"""

import argparse
import json
import os
import re
import signal
import socketserver
import sys
import threading

LOCK = threading.Lock()
MESSAGES = []  # [{"uid", "path", "seen"}]


def load(maildir):
    known = {m["path"] for m in MESSAGES}
    for name in sorted(os.listdir(maildir)):
        path = os.path.join(maildir, name)
        if name.endswith(".eml") and path not in known:
            MESSAGES.append({"uid": len(MESSAGES) + 1, "path": path, "seen": False})


class Session(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def record(self, m, seen, command):
        if m["seen"] != seen:
            m["seen"] = seen
            with open(ARGS.out, "a", encoding="utf-8") as out:
                out.write(json.dumps({"uid": m["uid"], "seen": seen, "command": command}) + "\n")

    def handle(self):
        self.send("* OK IMAP4rev1 test server ready")
        authed = False
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            parts = line.split(" ", 2)
            if len(parts) < 2:
                self.send("* BAD no command")
                continue
            tag, cmd, rest = parts[0], parts[1].upper(), parts[2] if len(parts) > 2 else ""
            if cmd == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(f"{tag} OK CAPABILITY done")
            elif cmd == "LOGIN":
                words = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', rest)
                values = [a.replace('\\"', '"').replace("\\\\", "\\") if a else b for a, b in words]
                if ARGS.auth and ":".join(values[:2]) != ARGS.auth:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
                else:
                    authed = True
                    self.send(f"{tag} OK LOGIN done")
            elif cmd == "LOGOUT":
                self.send("* BYE")
                self.send(f"{tag} OK LOGOUT done")
                return
            elif cmd == "NOOP":
                self.send(f"{tag} OK NOOP done")
            elif not authed:
                self.send(f"{tag} NO log in first")
            elif cmd in ("SELECT", "EXAMINE"):
                with LOCK:
                    load(ARGS.maildir)
                    self.send(f"* {len(MESSAGES)} EXISTS")
                    self.send("* 0 RECENT")
                    self.send("* OK [UIDVALIDITY 1] UIDs valid")
                    self.send(f"* OK [UIDNEXT {len(MESSAGES) + 1}] next")
                    self.send("* FLAGS (\\Seen)")
                self.send(f"{tag} OK [READ-WRITE] {cmd} done")
            elif cmd == "UID":
                self.uid_command(tag, rest)
            else:
                self.send(f"{tag} BAD unknown command {cmd}")

    def uid_command(self, tag, rest):
        sub, _, args = rest.partition(" ")
        sub = sub.upper()
        with LOCK:
            if sub == "SEARCH":
                unseen = "UNSEEN" in args.upper()
                uids = [str(m["uid"]) for m in MESSAGES if not (unseen and m["seen"])]
                self.send("* SEARCH" + "".join(" " + u for u in uids))
                self.send(f"{tag} OK SEARCH done")
                return
            match = re.match(r"(\d+)\s+(.*)", args)
            found = [m for m in MESSAGES if match and m["uid"] == int(match.group(1))]
            if not found:
                self.send(f"{tag} OK nothing")
                return
            m = found[0]
            seq = MESSAGES.index(m) + 1
            what = match.group(2).upper()
            if sub == "FETCH":
                with open(m["path"], "rb") as f:
                    data = f.read()
                if "PEEK" not in what:
                    self.record(m, True, "FETCH")
                self.wfile.write(f"* {seq} FETCH (UID {m['uid']} BODY[] {{{len(data)}}}\r\n".encode() + data + b")\r\n")
                self.send(f"{tag} OK FETCH done")
            elif sub == "STORE":
                if "\\SEEN" in what:
                    self.record(m, not what.startswith("-"), "STORE " + what)
                flags = "(\\Seen)" if m["seen"] else "()"
                self.send(f"* {seq} FETCH (UID {m['uid']} FLAGS {flags})")
                self.send(f"{tag} OK STORE done")
            else:
                self.send(f"{tag} BAD unknown UID command")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--auth", default="")
    ARGS = parser.parse_args()
    os.makedirs(ARGS.maildir, exist_ok=True)
    open(ARGS.out, "a").close()
    server = Server(("127.0.0.1", 0), Session)
    signal.signal(signal.SIGTERM, lambda *_: (server.server_close(), sys.exit(0)))
    signal.signal(signal.SIGINT, lambda *_: (server.server_close(), sys.exit(0)))
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
