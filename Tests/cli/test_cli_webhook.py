"""`dc1 webhook`: verify and parse deliveries, manage the URLs."""
import hashlib
import hmac


BODY = b'{"job_id":"job-1","status":"done","cost_halala":9,"provider_id":7}'


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_verify_accepts_both_header_forms(dc1, tmp_path):
    f = tmp_path / "body.json"
    f.write_bytes(BODY)
    sig = sign("s3cret-s3cret-s3cret", BODY)
    for header in (sig, "sha256=" + sig):
        r = dc1("webhook", "verify", "--secret", "s3cret-s3cret-s3cret", "--signature", header, str(f))
        assert r.rc == 0 and "valid signature" in r.out, r
    r = dc1("webhook", "verify", "--secret-env", "HOOK_SECRET", "--signature", sig, "-",
            env={"HOOK_SECRET": "s3cret-s3cret-s3cret"}, input=BODY.decode())
    assert r.rc == 0, r


def test_verify_rejects_a_tampered_body(dc1, tmp_path):
    f = tmp_path / "body.json"
    f.write_bytes(BODY.replace(b"9", b"1"))
    r = dc1("--json", "webhook", "verify", "--secret", "s3cret-s3cret-s3cret",
            "--signature", "sha256=" + sign("s3cret-s3cret-s3cret", BODY), str(f))
    assert r.rc == 12, r
    assert r.json() == {"valid": False}


def test_parse_gives_one_shape(dc1, tmp_path):
    f = tmp_path / "body.json"
    f.write_bytes(BODY)
    doc = dc1("--json", "webhook", "parse", str(f)).json()
    assert doc["event"] == "job.completed" and doc["status"] == "completed" and doc["dedupe_key"] == "job-1:completed"


def test_register_list_delete(dc1, emu):
    r = dc1("--json", "webhook", "register", "https://hooks.example.com/dcp", "--secret", "0123456789abcdef0123",
            "--events", "job.completed,job.failed")
    assert r.rc == 0, r
    hook = r.json()
    listed = dc1("--json", "webhook", "list").json()["webhooks"]
    assert any(w["id"] == hook["id"] and w["active"] for w in listed)
    assert dc1("webhook", "delete", hook["id"]).rc == 0
    listed = dc1("--json", "webhook", "list").json()["webhooks"]
    assert any(w["id"] == hook["id"] and not w["active"] for w in listed)


def test_set_url(dc1):
    r = dc1("--json", "webhook", "set-url", "https://hooks.example.com/account")
    assert r.rc == 0, r
    assert r.json()["settings"]["webhook_url"] == "https://hooks.example.com/account"
    assert dc1("webhook", "set-url", "--clear").rc == 0
