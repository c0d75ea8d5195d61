"""``python -m dc1_emulator`` (or ``dc1-emulator``): run the emulator until SIGTERM/SIGINT.

stdout carries exactly three lines, printed and flushed once the server listens, as shell
commands (values quoted with shlex.quote where needed; see envlines.py):
``export DC1_BASE_URL=http://127.0.0.1:<port>``, ``export DC1_API_KEY=<key>`` and
``export DC1_EMULATOR_TOKEN=<control token>`` (``''`` with ``--no-control-auth``). The request
log goes to stderr (credentials masked), or to ``--log-file``.

The server keeps running, so ``eval "$(dc1-emulator …)"`` would wait for ever: ``--detach``
starts the server in the background, prints the lines (and ``export DC1_EMULATOR_PID=<pid>``)
and returns, which is what ``eval`` needs; ``--env-file PATH`` writes the same lines to PATH
once listening, for ``. PATH`` from a script that started the emulator with ``&``."""
from __future__ import annotations

import argparse
import errno
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

from .app import DEFAULT_BALANCE, Emulator
from .envlines import NAMES, format_env, parse_env


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
    p.add_argument("--env-file", default=None, metavar="PATH",
                   help="also write the export lines to PATH (mode 0600) once listening; removed on a "
                        "clean stop. For scripts: start with &, wait for PATH, then `. PATH`")
    p.add_argument("--detach", action="store_true",
                   help="run the server in the background: print the export lines plus "
                        "`export DC1_EMULATOR_PID=<pid>` and return, so eval \"$(dc1-emulator --detach …)\" "
                        "works; stop it with kill $DC1_EMULATOR_PID. Its request log goes to --log-file "
                        "or nowhere")
    p.add_argument("--log-file", default=None, metavar="PATH",
                   help="append the request log to PATH instead of stderr")
    args = p.parse_args(argv)
    if args.speed <= 0:
        p.error("--speed must be > 0")
    return args


def _detach(argv: list, args: argparse.Namespace) -> int:
    """Start this command again without --detach as a background process in its own session,
    wait for its lines, print them with its pid, and return while it keeps serving.

    The background server holds none of this process's descriptors: a caller that reads our
    stdout or stderr to the end (``$(…)``, ``subprocess.run(capture_output=True)``) is not kept
    waiting. Its request log goes to ``--log-file`` or nowhere; what it writes on stderr while
    starting is shown here only when it fails to start."""
    child_argv = [a for a in argv if a != "--detach"]
    if not args.log_file and not args.quiet:
        child_argv.append("--quiet")
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    errors = tempfile.TemporaryFile()
    try:
        child = subprocess.Popen([sys.executable, "-m", "dc1_emulator", *child_argv], env=env,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
                                 start_new_session=True)
    except OSError as e:
        sys.stderr.write(f"dc1-emulator: cannot start the background server: {e}\n")
        return 1
    text, deadline = "", time.monotonic() + 60
    assert child.stdout is not None
    fd = child.stdout.fileno()
    while time.monotonic() < deadline:      # a server that says nothing for a minute is given up
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        text += chunk.decode("utf-8", "replace")
        if all(n in parse_env(text) for n in NAMES):
            break
    values = parse_env(text)
    child.stdout.close()   # the server prints nothing more on stdout
    if not all(n in values for n in NAMES):
        if child.poll() is None:
            child.kill()
        rc = child.wait()
        errors.seek(0)
        sys.stderr.write(errors.read().decode("utf-8", "replace"))
        sys.stderr.write("dc1-emulator: the background server did not start"
                         + (f" (exit status {rc})" if rc else "") + "\n")
        return rc or 1
    errors.close()
    sys.stdout.write(format_env([(n, values[n]) for n in NAMES] + [("DC1_EMULATOR_PID", str(child.pid))]))
    sys.stdout.flush()
    if not args.quiet:
        where = f"its request log goes to {args.log_file}" if args.log_file else "no request log (--log-file PATH)"
        sys.stderr.write(f"dc1-emulator: serving {values['DC1_BASE_URL']} in the background as pid {child.pid}; "
                         f"{where}; stop it with: kill {child.pid}\n")
    return 0


def _write_env_file(path: str, text: str) -> None:
    """PATH holds the key: written with mode 0600, complete or not at all (rename)."""
    tmp = f"{path}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    os.replace(tmp, path)


def main(argv=None) -> int:
    raw_argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(raw_argv)
    if args.detach:
        return _detach(raw_argv, args)
    log = None
    if args.log_file and not args.quiet:
        try:
            log = open(args.log_file, "a", buffering=1, encoding="utf-8")
        except OSError as e:
            sys.stderr.write(f"dc1-emulator: cannot open --log-file {args.log_file}: {e.strerror or e}\n")
            return 1
    providers = args.providers
    if args.providers_json:
        providers = json.loads(args.providers_json)
    host = args.host if args.host is not None else "127.0.0.1"
    emu = Emulator(host=host, port=args.port, db=args.db, speed=args.speed,
                   providers=providers, renter_balance=args.balance, api_key=args.api_key,
                   allow_loopback_webhooks=args.allow_loopback_webhooks,
                   allow_topup=args.allow_topup, admin_token=args.admin_token,
                   timers=not args.no_timers, log=log or not args.quiet,
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
    lines = format_env([("DC1_BASE_URL", f"http://{shown}:{emu.port}"), ("DC1_API_KEY", emu.api_key),
                        ("DC1_EMULATOR_TOKEN", emu.control_token or "")])
    if args.env_file:
        try:
            _write_env_file(args.env_file, lines)
        except OSError as e:
            sys.stderr.write(f"dc1-emulator: cannot write --env-file {args.env_file}: {e.strerror or e}\n")
            emu.stop()
            return 1
    sys.stdout.write(lines)
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
    if args.env_file:
        try:   # only the file this run wrote: a later run may have replaced it
            with open(args.env_file, encoding="utf-8") as f:
                if f.read() == lines:
                    os.unlink(args.env_file)
        except OSError:
            pass
    if log is not None:
        log.close()
    if not args.quiet:
        sys.stderr.write("dc1 emulator stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
