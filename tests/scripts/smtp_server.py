#!/usr/bin/python3
"""A test SMTP server (aiosmtpd) that records every accepted message as a JSON line.

    smtp_server.py --port-file F --out F.jsonl [--fail-first N] [--fail-code 451]
                   [--reject RCPT_SUBSTRING] [--auth USER:PASSWORD]
                   [--tls-cert CERT --tls-key KEY] [--idle-timeout SECONDS]
                   [--max-per-connection N] [--delay SECONDS] [--no-pipelining]

Listens on 127.0.0.1 on a free port and writes the port to --port-file once listening. Each
accepted message is appended to --out as {"mail_from", "rcpt_tos", "data", "message_id",
"received_at", "peer"} and flushed before the 250 reply ("peer" is the client's host:port, so
messages sent over one connection share it). The first N messages of the server's life (across
connections) are refused after their data with "<fail-code> try again later"; recipients
containing RCPT_SUBSTRING get "550 no such user". --auth requires AUTH with that login;
--tls-cert offers STARTTLS; --idle-timeout closes connections idle that long; after N messages
on a connection, its next MAIL gets "421 too many messages" and the connection is closed. --delay
holds each accepted message's 250 reply that long after it was recorded (a slow relay; a client
that goes away meanwhile has had its message taken without knowing it). The EHLO reply offers
PIPELINING (RFC 2920), as postfix's does: aiosmtpd reads each command from what has arrived,
so commands sent together are answered in order; --no-pipelining leaves it out (a relay a
client must wait for, reply by reply).
Exits with status 0 on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import datetime
import email.parser
import json
import os
import signal
import ssl
import warnings

from aiosmtpd.smtp import SMTP


class Recorder:
    def __init__(self, args):
        self.args = args
        self.out = open(args.out, "a", encoding="utf-8")
        self.to_fail = args.fail_first

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # The hook replaces aiosmtpd's own handling, which recorded the name.
        session.host_name = hostname
        if not self.args.no_pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        limit = self.args.max_per_connection
        if limit and getattr(session, "delivered", 0) >= limit:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 too many messages on this connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.reject and self.args.reject in address:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.to_fail > 0:
            self.to_fail -= 1
            return f"{self.args.fail_code} try again later"
        data = envelope.content.decode("utf-8", errors="replace")
        headers = email.parser.HeaderParser().parsestr(data, headersonly=True)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": data,
            "message_id": (headers["Message-ID"] or "").strip(),
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="milliseconds"),
            "peer": "%s:%s" % session.peer[:2],
        }
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()
        session.delivered = getattr(session, "delivered", 0) + 1
        if self.args.delay > 0:
            await asyncio.sleep(self.args.delay)
        return "250 OK queued"


async def serve(args):
    recorder = Recorder(args)
    options = {"hostname": "ecrm-test-smtp", "timeout": args.idle_timeout}
    if args.auth:
        login, _, password = args.auth.partition(":")
        options.update(auth_required=True, auth_require_tls=False,
                       auth_callback=lambda mechanism, user, secret:
                       (user, secret) == (login.encode(), password.encode()))
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options["tls_context"] = context
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(recorder, loop=loop, **options),
                                      host="127.0.0.1", port=0)
    # Written whole under a temporary name, so a reader never sees a partial port.
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.replace(args.port_file + ".tmp", args.port_file)

    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()
    recorder.out.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-code", type=int, default=451)
    parser.add_argument("--reject")
    parser.add_argument("--auth", help="USER:PASSWORD that AUTH must give")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--idle-timeout", type=float, default=300)
    parser.add_argument("--max-per-connection", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0,
                        help="seconds between recording a message and answering 250")
    parser.add_argument("--no-pipelining", action="store_true",
                        help="leave PIPELINING out of the EHLO reply")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # aiosmtpd warns about AUTH without TLS, which tests want
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
