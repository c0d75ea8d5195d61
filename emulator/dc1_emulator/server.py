"""The HTTP layer: a threaded HTTP/1.1 server with keep-alive.

For every request, in order: refuse a foreign ``Host`` (421) and a control call without
the token (401), count it, apply an injected fault, read the body (2 MB limit -> 413
HTML, §1.1), parse JSON (malformed or nested deeper than 200 -> 400 HTML), answer CORS
(§1.4: preflight 204, a disallowed Origin 500), run the §1.2 sanitiser on body and query,
run the §4 limiters, route (unknown -> 404 HTML "Cannot GET /x"), run the handler under
the store lock, add the §1.3 headers (no ``X-Request-Id``, like the real server), write
the response (possibly damaged by a post-route fault) and log one line on stderr with
credentials masked. Anything unexpected becomes a 500 answer, never a dead thread."""
from __future__ import annotations

import hmac
import json
import socket
import struct
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .auth import credential_in_query
from .faults import POST_ACTIONS
from .httputil import Request, Response, error, html_error, json_response, parse_query, reason
from .routes_v1 import rate_limited
from .sanitize import sanitize
from .util import http_date, iso, mask_secrets

BODY_LIMIT = 2 * 1024 * 1024          # DCP_GLOBAL_BODY_LIMIT (§1.1)
MAX_JSON_DEPTH = 200                   # deeper bodies get the malformed-JSON 400 (never a dead handler)
DRAIN_LIMIT = 64 * 1024 * 1024        # beyond this an oversize body is not even drained
MALFORMED_JSON = b'{"job": {"id": 1,,'

SECURITY_HEADERS = [                   # §1.3 (helmet)
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Origin-Agent-Cluster", "?1"),
    ("Referrer-Policy", "no-referrer"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("X-DNS-Prefetch-Control", "off"),
]
# §1.4 CORS (the cors package with an origin allow-list and credentials).
CORS_ALLOWED_HEADERS = ("Authorization,Content-Type,X-Renter-Key,X-Provider-Key,X-Admin-Token,"
                        "X-DC1-Signature,X-DCP-Event,X-Paperclip-Run-Id")
CORS_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE"
TIERED_PREFIXES = ("/api/jobs", "/api/renters", "/api/providers", "/api/models", "/api/templates")


class _BadRequest(Exception):
    pass


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, app) -> None:
        self.app = app
        self.connections: set = set()
        self.conn_lock = threading.Lock()
        super().__init__(addr, Handler)

    def close_all(self) -> None:
        """Unblock every handler thread (idle keep-alive reads, SSE writes)."""
        with self.conn_lock:
            conns = list(self.connections)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dc1-emulator"
    sys_version = ""
    timeout = 60                       # idle keep-alive connections are closed after this

    # --- connection bookkeeping -------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self._aborted = False
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        with self.server.conn_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.conn_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, fmt, *args) -> None:   # our own log line replaces this
        pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, socket.timeout, OSError, ValueError):
            # ValueError: the base class flushes wfile after a deliberate reset closed it.
            self.close_connection = True

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    # --- low-level writes -----------------------------------------------------------------

    def _rst(self) -> None:
        """Close with SO_LINGER 0 so the peer sees a TCP RST."""
        self.close_connection = True
        self._aborted = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        for f in (self.rfile, self.wfile):
            try:
                f.close()
            except OSError:
                pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _head(self, status: int, headers: list) -> bytes:
        lines = [f"HTTP/1.1 {status} {reason(status)}"]
        lines += [f"{k}: {v}" for k, v in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(self, data: bytes) -> None:
        self.connection.sendall(data)

    # --- body -------------------------------------------------------------------------------

    def _read_body(self) -> tuple[bytes | None, int]:
        """(body, declared length); body None when it is over the limit (and was drained)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                except ValueError:
                    raise _BadRequest()
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                data = self.rfile.read(size)
                self.rfile.readline(3)
                total += size
                if total <= BODY_LIMIT:
                    chunks.append(data)
            return (b"".join(chunks) if total <= BODY_LIMIT else None), total
        cl = self.headers.get("Content-Length")
        if not cl:
            return b"", 0
        try:
            n = int(cl)
            if n < 0:
                raise ValueError
        except ValueError:
            raise _BadRequest()
        if n > BODY_LIMIT:
            if n <= DRAIN_LIMIT:
                left = n
                while left > 0:
                    got = self.rfile.read(min(left, 1 << 16))
                    if not got:
                        break
                    left -= len(got)
            else:
                self.close_connection = True
            return None, n
        return self.rfile.read(n), n

    # --- the request --------------------------------------------------------------------------

    def _handle(self) -> None:
        app = self.server.app
        t0 = time.monotonic()
        method = self.command.upper()
        self._cors = []
        # For the log only: like the real server, no X-Request-Id goes back to the client.
        rid = (self.headers.get("X-Request-Id") or "")[:128] or str(uuid.uuid4())
        parts = urlsplit(self.path)
        path = parts.path or "/"
        control = path == "/__emulator" or path.startswith("/__emulator/")
        status, note = 0, ""
        try:
            refused = self._refuse(control, parts.query)
            if refused is not None:
                status = refused.status
                note = " refused"
                self.close_connection = True    # the body (if any) is not read
                app.log_request(f"{iso()} {self.client_address[0]} {method} {mask_secrets(self.path)} "
                                f"{status} refused (Host {mask_secrets(self.headers.get('Host') or '-')!r})")
                self._write(refused, method == "HEAD", None)
                return
        except (ConnectionError, BrokenPipeError, socket.timeout, OSError):
            self.close_connection = True
            return
        route, params = app.router.match(method, path)
        fault = None
        if not control:
            app.request_counters.record(method, f"{method} {route.pattern}" if route else None, path)
            fault = app.faults.take(method, path)
        try:
            if fault:
                note = f" fault={fault['action']}"
                status = self._pre_fault(fault, rid)
                if status is not None:
                    return
                status = 0
            resp = self._process(method, path, parts.query, route, params, rid, control)
            status = resp.status
            self._write(resp, method == "HEAD",
                        fault if fault and fault["action"] in POST_ACTIONS else None)
        except _BadRequest:
            status = 400
            self._write(self._finalize(html_error(400), rid), method == "HEAD", None)
        except (ConnectionError, BrokenPipeError, socket.timeout, OSError):
            self.close_connection = True
        except Exception:                    # never a dead handler thread without an answer
            app.log_request("request error:\n" + traceback.format_exc())
            status = 500
            self.close_connection = True
            try:
                self._write(self._finalize(error(500, "Internal server error"), rid), method == "HEAD", None)
            except Exception:
                pass
        finally:
            app.log_request(f"{iso()} {self.client_address[0]} {method} "
                            f"{mask_secrets(self.path)} {status or '-'} "
                            f"{(time.monotonic() - t0) * 1000:.1f}ms rid={rid}{note}")

    def _refuse(self, control: bool, qs: str) -> Response | None:
        """Safe by default: only our own Host names are served (DNS rebinding), and the
        control API needs the token (header ``x-emulator-token`` or ``?token=``)."""
        app = self.server.app
        host = (self.headers.get("Host") or "").strip().lower()
        if not app.host_allowed(host):
            return json_response(421, {"error": "Misdirected Request: this emulator answers only "
                                                "Host " + " or ".join(sorted(app.allowed_hosts_display()))})
        if control and app.control_token:
            given = self.headers.get("x-emulator-token") or ""
            if not given:
                q = parse_query(qs).get("token")
                given = q if isinstance(q, str) else ""
            if not hmac.compare_digest(given.encode("utf-8", "replace"), app.control_token.encode("utf-8")):
                return json_response(401, {"error": "emulator control token required: send the "
                                                    "DC1_EMULATOR_TOKEN value as the x-emulator-token "
                                                    "header or a token query parameter"})
        return None

    def _pre_fault(self, fault: dict, rid: str) -> int | None:
        """Faults that replace the route. Returns the status logged, or None to go on."""
        app = self.server.app
        action = fault["action"]
        if action == "reset_before":
            self._rst()
            return 0
        if action == "hang":
            app.stop_event.wait(fault.get("delay_ms", 60000) / 1000)
            self.close_connection = True
            return 0
        if action == "delay":
            app.stop_event.wait(fault.get("delay_ms", 1000) / 1000)
            return None
        if action != "status":
            return None                     # post-route actions damage the response later
        # "status": answer with the given status, headers and body; the route never runs.
        self._read_body()
        body = fault.get("body", "")
        body = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")
        headers = [("Content-Type", fault.get("content_type") or "application/json")]
        headers += [(str(k), str(v)) for k, v in (fault.get("headers") or {}).items()]
        resp = Response(int(fault["status"]), body, headers)
        self._write(resp, self.command.upper() == "HEAD", None)
        return resp.status

    def _process(self, method, path, qs, route, params, rid, control) -> Response:
        app = self.server.app
        raw, _ = self._read_body()
        if raw is None:
            return self._finalize(html_error(413), rid)       # §1.1: 413 with an HTML body
        body = {}
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/json" and raw.strip():
            text = raw.decode("utf-8", "replace").lstrip()
            if not text[:1] in ("{", "["):                # strict: objects and arrays only
                return self._finalize(html_error(400), rid)
            try:
                body = json.loads(text, parse_constant=_reject_constant)
            except (ValueError, RecursionError):
                return self._finalize(html_error(400), rid)
            if _too_deep(body, MAX_JSON_DEPTH):
                return self._finalize(html_error(400), rid)
        self._cors = []
        if not control:                                   # §1.4 CORS runs before everything else
            origin = self.headers.get("Origin") or ""
            if origin:
                if origin not in app.cors_origins:
                    # the origin callback's Error reaches Express's default handler: a 500 page
                    return self._finalize(html_error(500), rid)
                self._cors = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
                              ("Access-Control-Allow-Credentials", "true")]
            if method == "OPTIONS":                       # preflight: answered by cors, 204
                return self._finalize(Response(204, b"", [
                    ("Access-Control-Allow-Methods", CORS_METHODS),
                    ("Access-Control-Allow-Headers", CORS_ALLOWED_HEADERS)]), rid)
        query = parse_query(qs)
        if not control:                                   # §1.2 sanitiser
            body, query = sanitize(body), sanitize(query)
        req = Request(method, path, self.path, query, self.headers, body, raw,
                      self.client_address[0], rid, params, app)
        limit_headers: list = []
        if not control:
            limited = self._limit(req, route, limit_headers)
            if limited:
                return self._finalize(limited, rid, limit_headers, req)
        if route is None:
            return self._finalize(html_error(404, f"Cannot {method} {path}"), rid, limit_headers, req)
        try:
            with app.store.lock:
                resp = route.handler(req)
        except Exception:
            app.log_request("handler error:\n" + traceback.format_exc())
            resp = error(500, "Internal server error")
        return self._finalize(resp, rid, limit_headers, req)

    def _limit(self, req: Request, route, headers: list) -> Response | None:
        """§4: route limiter, then tiered, then general; each overwrites the headers."""
        app = self.server.app
        for name, key in limiter_chain(req, route):
            v = app.ratelimits.hit(name, key)
            if v is None:
                return None
            headers[:] = [h for h in headers if not h[0].startswith("RateLimit-")] + v.headers()
            if name == "jobCreate" and v.allowed:      # the dispatch handler sets it too (§4)
                headers.append(("X-RateLimit-Remaining", str(v.remaining)))
            if not v.allowed:
                retry = max(1, v.reset_s)
                kind = v.limiter.body
                if kind == "openai":
                    resp = rate_limited(retry)
                elif kind == "custom":
                    resp = json_response(429, {"error": "Rate limit exceeded", "retryAfterSeconds": retry,
                                               "retryAfterMs": retry * 1000})
                else:
                    resp = json_response(429, {"error": v.limiter.message})
                resp.headers.append(("Retry-After", str(retry)))
                return resp
        return None

    def _finalize(self, resp: Response, rid: str, limit_headers: list | None = None,
                  req: Request | None = None) -> Response:
        path = urlsplit(self.path).path
        control = path.startswith("/__emulator")
        base = [] if control else list(SECURITY_HEADERS)
        own = {k.lower() for k, _ in resp.headers}
        base = [(k, v) for k, v in base if k.lower() not in own]
        extra = list(getattr(self, "_cors", None) or []) if not control else []
        extra += list(limit_headers or [])
        if req is not None and not control and credential_in_query(req):   # §1.3
            extra += [("Deprecation", "true"), ("Sunset", http_date(time.time() + 30 * 86400)),
                      ("Link", '<https://api.dcp.sa/docs/auth#bearer>; rel="deprecation"')]
        resp.headers = base + extra + resp.headers
        return resp

    def _write(self, resp: Response, head_only: bool, fault: dict | None) -> None:
        app = self.server.app
        headers = [h for h in resp.headers if h[0].lower() not in ("content-length", "connection",
                                                                  "transfer-encoding", "date")]
        headers.append(("Date", http_date()))
        action = fault["action"] if fault else None
        if action == "reset_after":
            self._rst()                     # the route ran; the response never leaves
            return
        if resp.stream is not None:
            self._write_stream(resp, headers, head_only, action)
            return
        body = resp.body
        status = resp.status
        if action == "malformed_json":
            status, body = 200, MALFORMED_JSON
            headers = [h for h in headers if h[0].lower() != "content-type"]
            headers.append(("Content-Type", "application/json; charset=utf-8"))
        if status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            headers.append(("Content-Length", str(len(body))))
        headers.append(("Connection", "close" if self.close_connection else "keep-alive"))
        head = self._head(status, headers)
        if head_only:
            self._send(head)
            return
        if action in ("truncate", "reset_mid_body"):
            n = int(fault.get("bytes", len(body) // 2))
            self._send(head + body[:max(0, min(n, len(body)))])
            if action == "reset_mid_body":
                self._rst()
            else:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            return
        if action == "slow_body":
            bps = max(1, int(fault.get("bytes_per_sec", 10)))
            step = max(1, bps // 10)
            self._send(head)
            for i in range(0, len(body), step):
                if app.stop_event.is_set():
                    self.close_connection = True
                    return
                self._send(body[i:i + step])
                time.sleep(step / bps)
            return
        self._send(head + body)

    def _write_stream(self, resp: Response, headers: list, head_only: bool, action) -> None:
        headers = headers + [("Transfer-Encoding", "chunked"),
                             ("Connection", "close" if self.close_connection else "keep-alive")]
        self._send(self._head(resp.status, headers))
        if head_only:
            self._send(b"0\r\n\r\n")
            return
        gen = resp.stream
        try:
            for chunk in gen:
                if not chunk:
                    continue
                self._send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                if action == "reset_mid_body":
                    self._rst()
                    return
                if action == "truncate":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_WR)
                    return
            self._send(b"0\r\n\r\n")
        finally:
            close = getattr(gen, "close", None)
            if close:
                close()


def _too_deep(value, limit: int) -> bool:
    """Whether a parsed JSON value nests deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = list(v.values())
        elif not isinstance(v, list):
            continue
        if d > limit:
            return True
        stack.extend((x, d + 1) for x in v if isinstance(x, (dict, list)))
    return False


def _reject_constant(name: str):
    raise ValueError(f"invalid JSON constant {name}")


# Mounted by a router on the route itself: they run after the app-level ones.
ROUTER_LEVEL = ("jobCreate", "retryJob", "containerRegistry", "modelCatalog", "publicEndpoint")


def limiter_chain(req: Request, route) -> list[tuple[str, str]]:
    """The limiters that run on this request, in order, with their bucket keys (§4).
    App-level limiters (jobSubmit, topup, …, tiered, general) run first; the ones the jobs
    router mounts on a route (retry, POST /api/jobs) run last, so their RateLimit-* headers
    are the ones the client sees (``3;w=60`` on retry, ``10;w=60`` on POST /api/jobs)."""
    ip = req.client_ip
    chain = []
    lim = route.meta.get("limiter") if route else None
    hdr, rq, qk, bearer = (req.header("x-renter-key"), req.q("renter_key"), req.q("key"),
                           req.bearer())
    if lim == "jobSubmit":
        chain.append(("jobSubmit", hdr or rq or bearer or ip))          # not ?key
    elif lim == "jobCreate":
        chain.append(("jobCreate", hdr or rq or qk or ip))
    elif lim == "retryJob":
        chain.append(("retryJob", f"{hdr or rq or qk or ip}:{req.params.get('id')}"))
    elif lim == "webhookRegistration":
        chain.append(("webhookRegistration", hdr or qk or bearer or ip))
    elif lim == "topup":
        chain.append(("topup", ip))
    elif lim in ("containerRegistry", "modelCatalog"):
        chain.append((lim, ip))
    elif lim == "publicEndpoint":
        # the same limiter instance the tiered middleware uses for anonymous calls: one bucket
        chain.append(("publicEndpoint", ip))
    elif lim == "v1":
        stream = isinstance(req.body, dict) and bool(req.body.get("stream"))
        chain.append(("v1Stream" if stream else "v1", hdr or rq or qk or bearer or ip))
    path = req.path.lower()
    if path.startswith("/api/"):
        if any(path == p or path.startswith(p + "/") for p in TIERED_PREFIXES):
            cred = hdr or req.header("x-provider-key") or rq or req.q("provider_key") or qk or bearer
            chain.append(("tieredAuth", cred) if cred else ("tieredPublic", ip))
        chain.append(("general", ip))
    late = [c for c in chain if c[0] in ROUTER_LEVEL]
    chain = [c for c in chain if c[0] not in ROUTER_LEVEL] + late
    return [("tieredPublic", k) if n == "publicEndpoint" else (n, k) for n, k in chain]
