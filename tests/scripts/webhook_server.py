#!/usr/bin/python3
"""A test webhook receiver that records every POST as a JSON line.

    webhook_server.py --port-file F --out F.jsonl [--fail-first N]

Listens on 127.0.0.1 on a free port and writes the port to --port-file once listening. Each POST
is appended to --out as {"path", "headers", "body", "answered"} before it is answered; the first
N requests are answered 503, the others 204.
Exits with status 0 on SIGTERM or SIGINT.
"""

import argparse
import http.server
import json
import os
import signal
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    lock = threading.Lock()
    seen = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            with lock:
                seen[0] += 1
                status = 503 if seen[0] <= args.fail_first else 204
                with open(args.out, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"path": self.path,
                                          "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body, "answered": status}) + "\n")
                    out.flush()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
