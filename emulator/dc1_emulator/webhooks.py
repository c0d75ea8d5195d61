"""Outgoing webhooks (§12): the account-webhook sweeper (§12.1), registered
webhooks (§12.2) and the provider-offline notice, plus a log of every
delivery for ``GET /__emulator/webhooks/deliveries``.

The real server refuses private and loopback URLs. The emulator accepts
http(s)://127.0.0.1 / localhost URLs when started with
``allow_loopback_webhooks`` so tests can receive deliveries."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import threading
import time
import http.client
from typing import Any
from urllib.parse import urlsplit

from .util import dumps, iso, parse_ts

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def sign(key: str, body: bytes) -> str:
    """hex HMAC-SHA256(key, raw body) (§12.3)."""
    return hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _host_is_private(host: str) -> bool:
    if host.lower() in LOOPBACK_HOSTS or host.lower().endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False           # a name: the real server resolves it; we cannot here
    return not ip.is_global


DNS_ERROR = "webhook URL hostname does not resolve to a public IP address"


def resolves_public(host: str) -> bool:
    """The real server's registration check: every address the name resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addrs = {i[4][0] for i in infos}
    if not addrs:
        return False
    for a in addrs:
        try:
            ip = ipaddress.ip_address(a.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global:
            return False
    return True


def normalize_url(url: str) -> str:
    """What ``new URL(u).toString()`` gives for the URLs that pass validation: the scheme and
    host lower-cased, the default port dropped, an empty path written as ``/``."""
    p = urlsplit(url.strip())
    host = (p.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"https": 443, "http": 80}.get(p.scheme.lower())
    netloc = host if p.port in (None, default) else f"{host}:{p.port}"
    if p.username or p.password:
        netloc = p.netloc.rsplit("@", 1)[0] + "@" + netloc
    out = f"{p.scheme.lower()}://{netloc}{p.path or '/'}"
    if p.query:
        out += "?" + p.query
    if p.fragment:
        out += "#" + p.fragment
    return out


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


class Webhooks:
    def __init__(self, store, allow_loopback: bool, dns_check: bool = True) -> None:
        self.store = store
        self.allow_loopback = allow_loopback
        self.dns_check = dns_check
        self.resolver = resolves_public          # tests may replace it
        self._lock = threading.Lock()
        self._deliveries: list[dict] = []
        self._next = 1

    # --- URL rules -----------------------------------------------------------------

    def _loopback_ok(self, parts) -> bool:
        return (self.allow_loopback and parts.scheme in ("http", "https")
                and (parts.hostname or "").lower() in LOOPBACK_HOSTS)

    def settings_url_error(self, url: str) -> str | None:
        """§12.1 PATCH /api/renters/settings: HTTPS on a public host (any port)."""
        try:
            parts = urlsplit(url)
            parts.port
        except ValueError:
            return "webhook_url must be a valid URL"
        if self._loopback_ok(parts):
            return None
        if parts.scheme != "https" or not parts.hostname:
            return "webhook_url must be an HTTPS URL"
        if _host_is_private(parts.hostname):
            return "webhook_url must point to a public host (private, loopback and link-local addresses are not allowed)"
        return None

    def registration_url_error(self, url: str) -> str | None:
        """§12.2 (the server's validateWebhookUrl): HTTPS, port 443, a public host, and a
        hostname that resolves only to public IPs (the DNS step can be switched off)."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            return "webhook URL must be a valid URL"
        if self._loopback_ok(parts):
            return None
        if not parts.scheme or not parts.netloc:
            return "webhook URL must be a valid URL"
        if parts.scheme != "https":
            return "webhook URL must use HTTPS (http:// is not allowed)"
        if not parts.hostname:
            return "webhook URL must be a valid URL"
        if port not in (None, 443):
            return f"webhook URL must use the standard HTTPS port (443). Port {port} is not allowed"
        if _host_is_private(parts.hostname):
            return ("webhook URL must point to a publicly accessible host (private, loopback, and "
                    "internal addresses are not allowed)")
        if self.dns_check and not _is_ip_literal(parts.hostname) and not self.resolver(parts.hostname):
            return DNS_ERROR
        return None

    def sendable(self, url: str) -> bool:
        """At send time private targets are skipped (§12.1)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return self._loopback_ok(parts) or not _host_is_private(parts.hostname or "")

    # --- delivery log ---------------------------------------------------------------

    def deliveries(self) -> list[dict]:
        with self._lock:
            return [dict(d) for d in self._deliveries]

    def clear(self) -> None:
        with self._lock:
            self._deliveries.clear()

    def _post(self, kind: str, url: str, body: bytes, headers: dict, timeout: float,
              attempt: int, job_id: str | None, event: str | None) -> bool:
        rec: dict[str, Any] = {"kind": kind, "url": url, "headers": dict(headers),
                               "body": body.decode("utf-8"), "status": None, "error": None,
                               "attempt": attempt, "job_id": job_id, "event": event,
                               "sent_at": iso()}
        try:
            # http.client keeps the header names exactly as written (urllib would not).
            parts = urlsplit(url)
            conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = conn_cls(parts.hostname, parts.port, timeout=timeout)
            try:
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                conn.request("POST", target, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                rec["status"] = resp.status
            finally:
                conn.close()
        except Exception as e:  # connection refused, timeout, bad URL ...
            rec["error"] = f"{type(e).__name__}: {e}"
        with self._lock:
            rec["id"] = self._next
            self._next += 1
            self._deliveries.append(rec)
        return rec["status"] is not None and 200 <= rec["status"] < 300

    # --- §12.1 account webhook sweeper --------------------------------------------------

    def sweep(self) -> None:
        """One sweeper pass: at most 25 settled jobs (completed/failed, not cancelled),
        oldest first. Jobs whose renter has no URL are marked ``skipped`` for good."""
        with self.store.lock:
            rows = self.store.q(
                "SELECT j.*, r.webhook_url AS _url, r.api_key AS _key FROM jobs j "
                "JOIN renters r ON r.id = j.renter_id "
                "WHERE j.status IN ('completed','failed') AND j.webhook_notified_at IS NULL "
                "AND j.webhook_delivery_status IS NULL ORDER BY j.completed_at, j.id LIMIT 25")
            batch = []
            for j in rows:
                if not j["_url"] or not self.sendable(j["_url"]):
                    self.store.update("jobs", j["id"], {"webhook_delivery_status": "skipped",
                                                        "webhook_notified_at": iso()})
                    continue
                self.store.update("jobs", j["id"], {"webhook_delivery_status": "sending"})
                batch.append(j)
        for j in batch:
            threading.Thread(target=self._deliver_account, args=(j,), daemon=True,
                             name="dc1emu-webhook").start()

    def _deliver_account(self, j: dict) -> None:
        payload = {"job_id": j["job_id"],
                   "status": "done" if j["status"] == "completed" else "failed",
                   "cost_halala": j["cost_halala"], "provider_id": j["provider_id"],
                   "completed_at": j["completed_at"],
                   "result_preview": j["result"][:300] if j["result"] else None}
        body = dumps(payload).encode("utf-8")
        attempts, ok = 0, False
        for wait in (0, 1, 2):                  # 3 attempts, waiting 1 s then 2 s
            if wait:
                time.sleep(wait)
            # Signed with the renter's master key *at delivery time* (§16.18).
            renter = self.store.q1("SELECT api_key FROM renters WHERE id = ?", j["renter_id"])
            key = (renter or {}).get("api_key") or j["_key"]
            attempts += 1
            headers = {"Content-Type": "application/json",
                       "X-DCP-Signature": "sha256=" + sign(key, body)}
            if self._post("account", j["_url"], body, headers, 5.0, attempts, j["job_id"],
                          payload["status"]):
                ok = True
                break
        with self.store.lock:
            self.store.update("jobs", j["id"], {
                "webhook_delivery_status": "delivered" if ok else "failed",
                "webhook_delivery_attempts": attempts,
                "webhook_notified_at": iso()})

    # --- §12.2 registered webhooks ---------------------------------------------------------

    def fire_registered(self, job: dict, event: str) -> None:
        """POST to every active registered webhook subscribed to ``event``."""
        hooks = [h for h in self.store.q(
            "SELECT * FROM webhooks WHERE renter_id = ? AND active = 1", job["renter_id"])
            if event in json.loads(h["events"] or "[]")]
        if not hooks:
            return
        started = job.get("started_at")
        t0 = parse_ts(started)
        t1 = parse_ts(job.get("completed_at")) or time.time()
        cost = job.get("actual_cost_halala")
        if cost is None:
            cost = job.get("cost_halala") or 0
        payload = {"jobId": job["job_id"], "model": job.get("model"), "tokens_used": None,
                   "cost_sar": round(cost / 100, 2),
                   "elapsed_sec": int(round(t1 - t0)) if t0 else None,
                   "status": job["status"], "timestamp": iso(), "event": event}
        body = dumps(payload).encode("utf-8")
        for h in hooks:
            if not self.sendable(h["url"]):
                continue
            headers = {"Content-Type": "application/json", "X-DCP-Event": event,
                       "X-DCP-Signature": "sha256=" + sign(h["secret"], body),
                       "User-Agent": "DCP-Webhook/1.0"}
            threading.Thread(target=self._post, daemon=True, name="dc1emu-webhook",
                             args=("registered", h["url"], body, headers, 10.0, 1,
                                   job["job_id"], event)).start()

    # --- provider.offline (§12.1 third sender) ---------------------------------------------

    def provider_offline(self, job: dict) -> None:
        renter = self.store.q1("SELECT webhook_url, webhook_secret FROM renters WHERE id = ?",
                               job["renter_id"])
        if not renter or not renter["webhook_url"] or not self.sendable(renter["webhook_url"]):
            return
        payload = {"event": "provider.offline", "timestamp": iso(),
                   "job": {k: job.get(k) for k in ("id", "job_id", "renter_id", "provider_id",
                                                   "job_type", "submitted_at", "started_at")},
                   "message": "Provider went offline. Job has been returned to the queue and "
                              "will be reassigned."}
        payload["job"]["status"] = "queued"
        body = dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-DCP-Event": "provider.offline",
                   "X-DCP-Signature": "sha256=" + sign(renter["webhook_secret"] or "", body)}
        threading.Thread(target=self._post, daemon=True, name="dc1emu-webhook",
                         args=("provider_offline", renter["webhook_url"], body, headers, 5.0, 1,
                               job["job_id"], "provider.offline")).start()
