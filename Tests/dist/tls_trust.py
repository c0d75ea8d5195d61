"""Where libdc1 finds its CAs when the client names none (issue 23, item 3).

An HTTPS server on 127.0.0.1 with a certificate from a private CA that no system trusts. The
client runs in a child process (any interpreter that imports `dc1`: the checkout's or an
installed wheel's venv) with a chosen environment, and calls GET /ping once:

* no ca_path, nothing set          -> refused (the private CA is in no bundle)
* SSL_CERT_FILE=<private CA>       -> verified
* SSL_CERT_DIR=<hashed dir>        -> verified
* ca_path=<private CA>, SSL_CERT_FILE=<empty bundle> -> verified (ca_path wins)
* ca_path=<empty bundle>, SSL_CERT_FILE=<private CA> -> refused (ca_path wins)
* the probe: in a private mount namespace (unshare -m, root only) /etc/ssl is replaced by an
  empty tmpfs, so Debian's compiled-in /etc/ssl/certs/ca-certificates.crt is gone, and the
  private CA is placed at /etc/ssl/cert.pem only (Alpine's and the BSDs' path)  -> verified.
  Nothing outside that namespace sees the change.

Used by Tests/python/test_tls_trust.py (the checkout build) and Tests/dist/dist_check.py (the
installed wheel, with its own libcurl)."""
from __future__ import annotations

import http.server
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading

CLIENT = r"""
import json, sys
import dc1
opts = json.loads(sys.argv[2])
try:
    with dc1.DC1Client(api_key="dc1-tls-test", base_url=sys.argv[1], max_retries=0, timeout=10,
                       logger=False, **opts) as c:
        print(json.dumps({"ok": True, "answer": c.request("GET", "/ping")}))
except dc1.DC1Error as e:
    print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
"""


def _ossl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_ca(d):
    """A private CA, a server certificate for 127.0.0.1, a hashed CA directory, an empty bundle."""
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "private-ca.pem")
    key, csr, crt, ext = (os.path.join(d, n) for n in ("srv.key", "srv.csr", "srv.crt", "srv.ext"))
    _ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=libdc1 private test CA",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    _ossl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", crt,
          "-days", "2", "-extfile", ext)
    hashed = os.path.join(d, "hashed")
    os.mkdir(hashed)
    h = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca], check=True,
                       capture_output=True, text=True).stdout.strip()
    shutil.copy(ca, os.path.join(hashed, h + ".0"))
    empty = os.path.join(d, "empty.pem")
    open(empty, "w").close()
    for p in (ca, crt, key, empty):
        os.chmod(p, 0o644)
    return {"ca": ca, "cert": crt, "key": key, "dir": hashed, "empty": empty}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = json.dumps({"pong": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TLSServer:
    def __init__(self, pki):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pki["cert"], pki["key"])
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "https://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _clean_env(base):
    env = dict(base)
    for k in ("SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "DC1_BASE_URL", "DC1_API_KEY"):
        env.pop(k, None)
    return env


def run_client(python, url, opts, env, prefix=()):
    p = subprocess.run([*prefix, python, "-c", CLIENT, url, json.dumps(opts)], env=env,
                       capture_output=True, text=True, timeout=60)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"ok": False, "error": "client crashed (exit %d): %s" % (p.returncode, (p.stderr or p.stdout)[-600:])}


def can_unshare():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


PROBE = ("mount --make-rprivate / && mount -t tmpfs tmpfs /etc/ssl && cp \"$DC1_TEST_CA\" /etc/ssl/cert.pem "
         "&& test ! -e /etc/ssl/certs/ca-certificates.crt && exec \"$@\"")


def cases(python, base_env=None):
    """Runs every case with `python`; yields (name, expected_ok, result)."""
    base = _clean_env(base_env if base_env is not None else os.environ)
    with tempfile.TemporaryDirectory(prefix="dc1-tls-") as d:
        pki = make_ca(d)
        with TLSServer(pki) as srv:
            plan = [
                ("no CA named: the private CA is refused", False, {}, {}),
                ("SSL_CERT_FILE names the private CA", True, {}, {"SSL_CERT_FILE": pki["ca"]}),
                ("SSL_CERT_DIR names a hashed directory", True, {}, {"SSL_CERT_DIR": pki["dir"]}),
                ("ca_path wins over SSL_CERT_FILE (verified)", True, {"ca_path": pki["ca"]},
                 {"SSL_CERT_FILE": pki["empty"]}),
                ("ca_path wins over SSL_CERT_FILE (refused)", False, {"ca_path": pki["empty"]},
                 {"SSL_CERT_FILE": pki["ca"]}),
            ]
            for name, want, opts, extra in plan:
                yield name, want, run_client(python, srv.url, opts, dict(base, **extra))
            name = "probe: compiled-in bundle absent, private CA only at /etc/ssl/cert.pem"
            if can_unshare():
                env = dict(base, DC1_TEST_CA=pki["ca"])
                yield name, True, run_client(python, srv.url, {}, env,
                                             prefix=("unshare", "-m", "sh", "-c", PROBE, "sh"))
            else:
                yield name, None, {"ok": None, "error": "skipped: needs root and unshare -m"}
