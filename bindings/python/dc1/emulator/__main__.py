"""``python -m dc1.emulator`` (or ``dc1-emulator``): run the emulator until SIGTERM/SIGINT.

stdout carries exactly three lines, printed once the server listens:
``DC1_BASE_URL=http://127.0.0.1:<port>``, ``DC1_API_KEY=<key>`` and
``DC1_EMULATOR_TOKEN=<control token>`` (empty with ``--no-control-auth``). The
request log goes to stderr (credentials masked)."""
from __future__ import annotations

import argparse
import errno
import json
import signal
import sys
import threading

from .app import DEFAULT_BALANCE, Emulator


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="dc1-emulator",
                                description="Local DC1 server emulator (renter API, simulated providers). "
                                            "It runs custom_container scripts as your user: keep it on loopback.")
    p.add_argument("--host", default=None,
                   help="address to bind (default 127.0.0.1; anything else exposes script execution "
                        "to whoever can reach it)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    p.add_argument("--db", default=None, help="SQLite file; state survives restarts")
    p.add_argument("--speed", type=float, default=1.0,
                   help="simulated seconds per real second (default 1.0: an LLM job takes ~2-3 s)")
    p.add_argument("--providers", type=int, default=None,
                   help="number of simulated providers on a fresh state (default 3)")
    p.add_argument("--providers-json", default=None,
                   help="JSON list of provider objects (name, gpu_model, vram_mib, live, ...)")
    p.add_argument("--balance", type=int, default=DEFAULT_BALANCE,
                   help="seeded renter balance in halala (default 100000 = 1000 SAR)")
    p.add_argument("--api-key", default=None, help="seeded renter key (default: generated)")
    p.add_argument("--allow-loopback-webhooks", action="store_true",
                   help="accept and deliver webhooks to http://127.0.0.1 / localhost URLs")
    p.add_argument("--allow-topup", action="store_true",
                   help="enable POST /api/renters/topup (production answers 403)")
    p.add_argument("--admin-token", default=None, help="accept this token as the admin credential")
    p.add_argument("--no-timers", action="store_true",
                   help="disable hard timeout, soft runtime and queue timeout sweeps")
    p.add_argument("--quiet", action="store_true", help="no request log on stderr")
    p.add_argument("--control-token", default=None, metavar="TOKEN",
                   help="token the control API (/__emulator/...) requires (default: random, printed "
                        "as DC1_EMULATOR_TOKEN)")
    p.add_argument("--no-control-auth", action="store_true",
                   help="let the control API answer without a token (any local process can then "
                        "read every renter key)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME[:PORT]",
                   help="also answer requests whose Host header is NAME (repeatable; default: only "
                        "the listen address, localhost and 127.0.0.1)")
    p.add_argument("--no-webhook-dns-check", action="store_true",
                   help="accept registered-webhook URLs whose host does not resolve to a public IP "
                        "(the real server refuses them)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="allow this browser Origin (repeatable; the real server's CORS_ORIGINS); "
                        "https://dcp.sa and https://www.dcp.sa are always allowed")
    args = p.parse_args(argv)
    if args.speed <= 0:
        p.error("--speed must be > 0")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    providers = args.providers
    if args.providers_json:
        providers = json.loads(args.providers_json)
    host = args.host if args.host is not None else "127.0.0.1"
    emu = Emulator(host=host, port=args.port, db=args.db, speed=args.speed,
                   providers=providers, renter_balance=args.balance, api_key=args.api_key,
                   allow_loopback_webhooks=args.allow_loopback_webhooks,
                   allow_topup=args.allow_topup, admin_token=args.admin_token,
                   timers=not args.no_timers, log=not args.quiet,
                   control_token=args.control_token, control_auth=not args.no_control_auth,
                   allowed_hosts=args.allow_host, webhook_dns_check=not args.no_webhook_dns_check,
                   cors_origins=args.cors_origin)
    done = threading.Event()

    def on_signal(signum, frame) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emu.start()
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            msg = f"port {args.port} on {host} is already in use (pick another with --port, or --port 0 for a free one)"
        elif e.errno == errno.EACCES:
            msg = f"no permission to listen on {host} port {args.port}"
        else:
            msg = f"cannot listen on {host} port {args.port}: {e.strerror or e}"
        sys.stderr.write(f"dc1-emulator: {msg}\n")
        return 1
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else (f"[{host}]" if ":" in host else host)
    sys.stdout.write(f"DC1_BASE_URL=http://{shown}:{emu.port}\nDC1_API_KEY={emu.api_key}\n"
                     f"DC1_EMULATOR_TOKEN={emu.control_token or ''}\n")
    sys.stdout.flush()
    host = shown
    if not args.quiet:
        sys.stderr.write(f"dc1 emulator listening on http://{host}:{emu.port} "
                         f"(speed {args.speed}, db {args.db or ':memory:'}); Ctrl-C to stop\n")
        if args.host is not None and args.host not in ("127.0.0.1", "localhost", "::1"):
            sys.stderr.write("warning: custom_container jobs run Python scripts as this user; "
                             f"anyone who can reach {args.host} with a renter key can run code\n")
        if emu.control_token is None:
            sys.stderr.write("warning: --no-control-auth: the control API lists every renter key "
                             "to any client\n")
        sys.stderr.flush()
    while not done.wait(0.5):
        pass
    emu.stop()
    if not args.quiet:
        sys.stderr.write("dc1 emulator stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
