"""The Python side of bench/run.py: one poll loop (GET /api/jobs/<id>, parse the JSON)
through one client kind, timed. Prints one JSON line.

    python3 pyclients.py CLIENT BASE KEY JOB CALLS WARMUP [CA]

CLIENT:
  bindings    dc1.DC1Client(...).jobs.get(id)             (libdc1 through the Python bindings)
  ctypes      dc1_job_get through ctypes + json.loads       (libdc1 with no binding layer)
  sdk         urllib.request, a new connection per call     (built like the official SDK)
  requests    requests.Session, keep-alive
  httpclient  http.client.HTTPConnection, keep-alive
"""
import json
import os
import ssl
import sys
import time
import urllib.parse


def make_bindings(base, key, job, ca):
    import dc1
    kw = {"ca_path": ca} if ca else {}
    client = dc1.DC1Client(api_key=key, base_url=base, **kw)

    def call():
        j = client.jobs.get(job)
        if not j.status:
            raise RuntimeError("no status")
    return call


def make_ctypes(base, key, job, ca):
    import ctypes
    lib = ctypes.CDLL(os.environ["DC1_LIBRARY"])
    lib.dc1_client_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p]
    lib.dc1_job_get.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.dc1_free.argtypes = [ctypes.c_void_p]
    lib.dc1_last_error.restype = ctypes.c_char_p
    opts = {"base_url": base, "api_key": key}
    if ca:
        opts["ca_path"] = ca
    handle = ctypes.c_void_p()
    if lib.dc1_client_new(ctypes.byref(handle), json.dumps(opts).encode()) != 0:
        raise RuntimeError(lib.dc1_last_error().decode())
    jid = job.encode()

    def call():
        out = ctypes.c_void_p()
        rc = lib.dc1_job_get(handle, jid, ctypes.byref(out))
        try:
            if rc != 0:
                raise RuntimeError(lib.dc1_last_error().decode())
            doc = json.loads(ctypes.string_at(out.value))
        finally:
            lib.dc1_free(out)
        if not doc["status"]:
            raise RuntimeError("no status")
    return call


def ssl_context(ca):
    return ssl.create_default_context(cafile=ca) if ca else None


def make_sdk(base, key, job, ca):
    """What the official SDK's transport does: urllib.request.urlopen per call, so every
    call opens (and closes) a TCP connection, and over HTTPS does a full TLS handshake."""
    import urllib.request
    url = f"{base}/api/jobs/{job}"
    ctx = ssl_context(ca)
    headers = {"x-renter-key": key, "Content-Type": "application/json"}

    def call():
        req = urllib.request.Request(url, headers=headers, method="GET")
        with urllib.request.urlopen(req, timeout=30, context=ctx) as resp:
            doc = json.loads(resp.read().decode("utf-8"))
        if not doc["job"]["status"]:
            raise RuntimeError("no status")
    return call


def make_requests(base, key, job, ca):
    import requests
    s = requests.Session()
    s.headers.update({"x-renter-key": key, "Accept": "application/json"})
    url = f"{base}/api/jobs/{job}"
    verify = ca if ca else True

    def call():
        r = s.get(url, timeout=30, verify=verify)
        r.raise_for_status()
        if not r.json()["job"]["status"]:
            raise RuntimeError("no status")
    return call


def make_httpclient(base, key, job, ca):
    import http.client
    u = urllib.parse.urlsplit(base)
    if u.scheme == "https":
        conn = http.client.HTTPSConnection(u.hostname, u.port or 443, timeout=30, context=ssl_context(ca))
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    path = f"/api/jobs/{job}"
    headers = {"x-renter-key": key, "Accept": "application/json"}

    def call():
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"HTTP {r.status}")
        if not json.loads(body)["job"]["status"]:
            raise RuntimeError("no status")
    return call


CLIENTS = {"bindings": make_bindings, "ctypes": make_ctypes, "sdk": make_sdk,
           "requests": make_requests, "httpclient": make_httpclient}


def main():
    kind, base, key, job, calls, warm = sys.argv[1:7]
    ca = sys.argv[7] if len(sys.argv) > 7 and sys.argv[7] else None
    call = CLIENTS[kind](base, key, job, ca)
    for _ in range(int(warm)):
        call()
    n = int(calls)
    t0 = time.perf_counter()
    for _ in range(n):
        call()
    dt = time.perf_counter() - t0
    print(json.dumps({"calls": n, "seconds": dt}))


if __name__ == "__main__":
    main()
