"""``python -m dc1.emulator``: run the emulator until SIGTERM/SIGINT.

stdout carries exactly two lines, printed once the server listens:
``DC1_BASE_URL=http://127.0.0.1:<port>`` and ``DC1_API_KEY=<key>``. The request
log goes to stderr (credentials masked)."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .app import DEFAULT_BALANCE, Emulator


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m dc1.emulator",
                                description="Local DC1 server emulator (renter API, simulated providers).")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
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
    args = p.parse_args(argv)
    if args.speed <= 0:
        p.error("--speed must be > 0")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    providers = args.providers
    if args.providers_json:
        providers = json.loads(args.providers_json)
    emu = Emulator(host=args.host, port=args.port, db=args.db, speed=args.speed,
                   providers=providers, renter_balance=args.balance, api_key=args.api_key,
                   allow_loopback_webhooks=args.allow_loopback_webhooks,
                   allow_topup=args.allow_topup, admin_token=args.admin_token,
                   timers=not args.no_timers, log=not args.quiet)
    done = threading.Event()

    def on_signal(signum, frame) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    emu.start()
    host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    sys.stdout.write(f"DC1_BASE_URL=http://{host}:{emu.port}\nDC1_API_KEY={emu.api_key}\n")
    sys.stdout.flush()
    if not args.quiet:
        sys.stderr.write(f"dc1 emulator listening on http://{host}:{emu.port} "
                         f"(speed {args.speed}, db {args.db or ':memory:'}); Ctrl-C to stop\n")
        sys.stderr.flush()
    while not done.wait(0.5):
        pass
    emu.stop()
    if not args.quiet:
        sys.stderr.write("dc1 emulator stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
