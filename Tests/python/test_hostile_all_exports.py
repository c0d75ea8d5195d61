"""Issue 21: every export that takes a client keeps the key to itself, and so does every file
libdc1 writes.

The header is read for its declarations: each DC1_EXPORT function whose parameters include a
`dc1_client *` must have an entry below (how to call it), or be listed as handing nothing
back about a server (with why). A new export with neither fails `test_every_client_export_is_covered`.

Each entry is called straight through ctypes (no binding in between) against the hostile
server of test_hostile_server.py, which echoes the key raw, JSON-escaped, percent-encoded,
as HTML references, nested, in 4xx/5xx bodies and in malformed or HTML 2xx bodies. Scanned
afterwards: *out_json, dc1_last_error(), every event handed to the callback, every log line,
and every file in the call's working folder (the batch journal, its results file, its lock,
a saved image)."""
from __future__ import annotations

import ctypes
import json
import os
import re

import pytest

from test_hostile_server import KEY, _Hostile, hostile, leaked  # noqa: F401  (hostile: the fixture)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = os.path.join(ROOT, "include", "dc1.h")
LIB = ctypes.CDLL(os.environ.get("DC1_LIBRARY") or os.path.join(ROOT, "build", "libdc1.so"))
EVENT_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)
LIB.dc1_last_error.restype = ctypes.c_char_p
LIB.dc1_client_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p]
LIB.dc1_client_free.argtypes = [ctypes.c_void_p]
LIB.dc1_client_set_logger.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
LIB.dc1_free.argtypes = [ctypes.c_void_p]

# Takes a client, but talks to no server and hands back no document: nothing to leak.
NO_SERVER = {
    "dc1_client_free": "frees the client; returns nothing",
    "dc1_client_interrupt": "sets a flag; returns a code only",
    "dc1_client_set_logger": "installs the sink every entry below is checked through",
}

LLM = {"job_type": "llm_inference", "duration_minutes": 1, "params": {"prompt": "hi", "model": "m"}}
STREAM = {"timeout_ms": 800, "max_reconnects": 1, "idle_timeout_ms": 500}
WAIT = {"timeout_ms": 700, "poll_interval_ms": 50}


def _values(tmp):
    """What each call is given, by function and parameter name."""
    batch_in = os.path.join(tmp, "in.jsonl")
    with open(batch_in, "w") as f:
        for i in range(2):
            f.write(json.dumps(dict(LLM, id=f"l{i}")) + "\n")
    return {
        "dc1_client_config": {},
        "dc1_balance": {},
        "dc1_me": {},
        "dc1_providers_list": {},
        "dc1_models_list": {},
        "dc1_model_get": {"model_id": "meta-llama/Llama-3-8B"},
        "dc1_images_list": {},
        "dc1_templates_list": {},
        "dc1_template_request": {"template_id": "llama3-8b", "overrides_json": {"duration_minutes": 1}},
        "dc1_quote": {"request_json": {"job_type": "llm_inference", "duration_minutes": 1, "gpu_model": "RTX 4090"}},
        "dc1_usage": {},
        "dc1_job_submit": {"request_json": LLM},
        "dc1_job_get": {},
        "dc1_job_get_with_output": {},
        "dc1_provider_get": {"provider_id": 7},
        "dc1_job_status": {},
        "dc1_job_watch": {"options_json": WAIT},
        "dc1_job_wait": {"options_json": WAIT},
        "dc1_job_output": {},
        "dc1_job_save_image": {"path": os.path.join(tmp, "out.png")},
        "dc1_job_cancel": {},
        "dc1_job_logs": {},
        "dc1_jobs_history": {},
        "dc1_batch_run": {
            "input_path": batch_in,
            "options_json": {"out_path": os.path.join(tmp, "results.jsonl"), "journal_path": os.path.join(tmp, "j"),
                             "save_dir": os.path.join(tmp, "images"), "timeout_ms": 2500, "tick_ms": 100,
                             "wait": {"timeout_ms": 500, "poll_interval_ms": 50}},
        },
        "dc1_request": {"method": "GET", "path": "/api/anything"},
        "dc1_job_logs_stream": {"options_json": STREAM},
        "dc1_job_status_stream": {"options_json": STREAM},
        "dc1_chat": {"request_json": {"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}},
        "dc1_job_lifecycle": {},
        "dc1_job_lifecycle_stream": {"options_json": STREAM},
        "dc1_webhook_set_url": {"url": "https://example.com/hook"},
        "dc1_webhooks_list": {},
        "dc1_webhook_register": {"request_json": {"url": "https://example.com/hook", "secret": "s" * 24}},
        "dc1_webhook_delete": {"webhook_id": "wh-1"},
    }


DEFAULTS = {"job_id": "job-1"}


def declarations():
    """(name, [(type, parameter name)]) of every DC1_EXPORT function in the header."""
    text = re.sub(r"/\*.*?\*/", "", open(HEADER).read(), flags=re.S)
    out = []
    for m in re.finditer(r"DC1_EXPORT\s+[\w\s\*]+?\s*\b(dc1_\w+)\s*\(([^)]*)\)\s*;", text):
        params = []
        for p in " ".join(m.group(2).split()).split(","):
            p = p.strip()
            if p in ("", "void"):
                continue
            pm = re.match(r"(.*?)(\w+)$", p)
            # "const dc1_client *" is a client all the same (dc1_client_config reads one)
            params.append((pm.group(1).replace(" ", "").replace("constdc1_client*", "dc1_client*"), pm.group(2)))
        out.append((m.group(1), params))
    return out


def client_exports():
    return [(n, ps) for n, ps in declarations() if any(t == "dc1_client*" for t, _ in ps)]


def test_every_client_export_is_covered(tmp_path):
    values = _values(str(tmp_path))
    names = [n for n, _ in client_exports()]
    assert len(names) > 30, "the header parse found too few client calls"
    missing = [n for n in names if n not in values and n not in NO_SERVER]
    assert not missing, f"exports that take a client with no entry in this test: {missing}"
    stale = [n for n in list(values) + list(NO_SERVER) if n not in names]
    assert not stale, f"entries for functions the header no longer declares: {stale}"


def _call(name, params, values, client, sink):
    args, argtypes, out = [], [], ctypes.c_void_p()
    for typ, pname in params:
        if typ == "dc1_client*":
            args.append(client)
            argtypes.append(ctypes.c_void_p)
        elif typ == "char**":
            args.append(ctypes.byref(out))
            argtypes.append(ctypes.POINTER(ctypes.c_void_p))
        elif typ == "dc1_event_fn":
            args.append(sink)
            argtypes.append(EVENT_FN)
        elif typ == "longlong":
            args.append(values.get(pname, 1))
            argtypes.append(ctypes.c_longlong)
        elif typ == "void*":
            args.append(None)
            argtypes.append(ctypes.c_void_p)
        elif typ == "constchar*":
            v = values.get(pname, DEFAULTS.get(pname))
            if isinstance(v, dict):
                v = json.dumps(v)
            args.append(None if v is None else v.encode())
            argtypes.append(ctypes.c_char_p)
        else:
            raise AssertionError(f"{name}: parameter type {typ} has no value in this test")
    fn = getattr(LIB, name)
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    rc = fn(*args)
    doc = ctypes.string_at(out.value).decode() if out.value else ""
    LIB.dc1_free(out)
    return rc, doc


def _files(folder):
    for base, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                yield os.path.relpath(p, folder), fh.read().decode("utf-8", "replace")


MODES = ["echo_raw_400", "echo_json_escaped_400", "echo_percent_encoded_400", "echo_html_entities_403",
         "echo_nested_body_500", "echo_in_malformed_json_200", "echo_in_html_200", "echo_in_sse_error_event"]


@pytest.mark.parametrize("mode", MODES)
def test_no_export_hands_back_the_key(hostile, mode, tmp_path):  # noqa: F811
    _Hostile.mode = mode
    logs = []

    @LOG_FN
    def logger(_user, _level, msg):
        logs.append(msg.decode("utf-8", "replace"))

    client = ctypes.c_void_p()
    opts = {"api_key": KEY, "base_url": hostile, "timeout_ms": 2000, "max_retries": 1, "retry_base_ms": 5}
    assert LIB.dc1_client_new(ctypes.byref(client), json.dumps(opts).encode()) == 0
    assert LIB.dc1_client_set_logger(client, logger, None, 0) == 0
    failures, redacted, failed_calls = [], False, 0
    try:
        for name, params in client_exports():
            if name in NO_SERVER:
                continue
            work = tmp_path / name
            work.mkdir()
            values = _values(str(work))[name]
            events = []

            @EVENT_FN
            def sink(_user, text, events=events):
                events.append(text.decode("utf-8", "replace"))
                return 0

            logs.clear()
            rc, doc = _call(name, params, values, client, sink)
            failed_calls += rc != 0
            texts = {"out_json": doc, "dc1_last_error": (LIB.dc1_last_error() or b"").decode("utf-8", "replace")}
            if rc == 0:
                texts.pop("out_json")  # a success document is the caller's data, not checked
            texts.update({f"event {i}": e for i, e in enumerate(events)})
            texts.update({f"log {i}": line for i, line in enumerate(logs)})
            texts.update({f"file {p}": t for p, t in _files(work)})
            redacted = redacted or any("[redacted]" in t for t in texts.values())
            failures += [f"{name}: {where}: {t[:240]}" for where, t in texts.items() if leaked(t)]
    finally:
        LIB.dc1_client_free(client)
    assert not failures, "the key came back:\n" + "\n".join(failures)
    assert failed_calls > 20, "the hostile answers should fail most calls"
    assert redacted, "the hostile answer never reached what the library hands back"


def test_batch_files_hold_no_key(hostile, tmp_path):  # noqa: F811
    """The journal and the results file of a batch whose submits are answered with the key
    hold "[redacted]" where the server put the key."""
    _Hostile.mode = "echo_raw_400"
    values = _values(str(tmp_path))["dc1_batch_run"]
    client = ctypes.c_void_p()
    opts = {"api_key": KEY, "base_url": hostile, "timeout_ms": 2000, "max_retries": 0}
    assert LIB.dc1_client_new(ctypes.byref(client), json.dumps(opts).encode()) == 0
    try:
        params = dict(client_exports())["dc1_batch_run"]
        _call("dc1_batch_run", params, values, client, EVENT_FN(lambda u, t: 0))
    finally:
        LIB.dc1_client_free(client)
    journal = (tmp_path / "j").read_text()
    results = (tmp_path / "results.jsonl").read_text()
    assert "[redacted]" in journal and "[redacted]" in results
    assert not leaked(journal) and not leaked(results)
