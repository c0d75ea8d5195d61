"""The repository documents itself: every server reference points into docs/server.md (and its
section links resolve), nothing points to files outside the repository, one renter-key prefix,
the LICENSE that pyproject promises, and a demo transcript whose commands can be pasted."""
import importlib.util
import io
import json
import os
import re
import shlex
import unicodedata
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER_MD = ROOT / "docs" / "server.md"
DOCS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
SKIP: tuple = ()


def tracked_text_files(*tops):
    for top in tops:
        base = ROOT / top
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for p in paths:
            rel = p.relative_to(ROOT).as_posix()
            if any(part in ("build", "__pycache__") or part.endswith(".egg-info") for part in p.parts) \
                    or rel.startswith(SKIP) or p.suffix in (".so", ".png", ".pyc", ".gz"):
                continue
            try:
                yield rel, p.read_text()
            except UnicodeDecodeError:
                continue


def github_slug(heading):
    out = []
    for ch in heading.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch in "-_" or unicodedata.category(ch)[0] in "LN":
            out.append(ch)
    return "".join(out)


def server_anchors():
    return {github_slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", SERVER_MD.read_text(), re.M)}


def test_server_md_keeps_the_section_numbers_the_code_cites():
    text = SERVER_MD.read_text()
    numbers = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, re.M))
    for top in range(0, 19):
        assert str(top) in numbers, "§%d missing" % top
    cited = set()
    for _, body in tracked_text_files("Sources", "Tests", "docs", "README.md"):
        cited.update(re.findall(r"§(\d+(?:\.\d+)?)", body))
    section16 = text.split("## 16.", 1)[1].split("\n## 17.", 1)[0]
    section17 = text.split("## 17.", 1)[1].split("\n## 18.", 1)[0]
    for ref in sorted(cited):
        top, _, sub = ref.partition(".")
        if ref in numbers or top in numbers and not sub:
            continue
        if top == "16":
            assert re.search(r"^%s\. " % sub, section16, re.M), "§%s: no item %s in §16" % (ref, sub)
        elif top == "17":
            assert re.search(r"^\| %s \|" % sub, section17, re.M), "§%s: no row %s in §17" % (ref, sub)
        else:
            raise AssertionError("§%s is cited but docs/server.md has no such section" % ref)


def test_server_links_resolve():
    anchors = server_anchors()
    for doc in DOCS:
        text = doc.read_text()
        prefix = "" if doc == SERVER_MD else "server.md" if doc.parent.name == "docs" else "docs/server.md"
        for m in re.finditer(r"\]\(([^)\s]*)\)", text):
            target = m.group(1)
            if "#" in target and target.split("#", 1)[0] == prefix:
                assert target.split("#", 1)[1] in anchors, "%s: dead link %s" % (doc.name, target)
            if target.startswith(("http://", "https://", "mailto:")) or target.startswith("#"):
                continue
            path = (doc.parent / target.split("#", 1)[0]).resolve()
            assert path.exists(), "%s: link to a missing file %s" % (doc.name, target)


def test_nothing_points_outside_the_repository():
    bad = re.compile(r"\.\./shared|dc1-api-contract|peer-pain-points|swift-c-abi-notes|contract §")
    found = []
    for rel, text in tracked_text_files("README.md", "docs", "bindings", "Tests", "Sources", "examples",
                                        "build-support", "Makefile", "RELIABILITY.md", "BENCHMARKS.md"):
        if rel == "Tests/docs/test_docs.py":
            continue
        for i, line in enumerate(text.splitlines(), 1):
            if bad.search(line):
                found.append("%s:%d: %s" % (rel, i, line.strip()))
    assert not found, "\n".join(found)


def test_one_key_prefix_in_the_documents():
    for rel, text in tracked_text_files("README.md", "docs", "examples", "Sources/DC1CLI"):
        if rel == "docs/server.md":     # describes the legacy prefix the server still accepts
            continue
        # `dc1-renter-sdk` is the npm package's name (the official SDK's), not a key prefix.
        assert "dc1-renter-" not in text.replace("dc1-renter-sdk", ""), rel
    assert "dcp-renter-" in (ROOT / "README.md").read_text()


def test_license_is_the_mit_license_pyproject_names():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "the libdc1 authors" in text
    assert 'license = { text = "MIT" }' in (ROOT / "bindings" / "python" / "pyproject.toml").read_text()


def test_demo_prints_commands_that_can_be_pasted(monkeypatch):
    spec = importlib.util.spec_from_file_location("demo", ROOT / "build-support" / "demo.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    ran = []

    class Done:
        returncode = 0

    monkeypatch.setattr(demo.subprocess, "run", lambda cmd, **kw: ran.append(cmd) or Done())
    cmd = [os.path.join(demo.BUILD, "dc1"), "submit", "llm_inference", "--prompt",
           "Write a haiku about desert computing", "max_tokens=128", "--wait", "--save",
           os.path.join(demo.OUT, "it's here.png")]
    out = io.StringIO()
    with redirect_stdout(out):
        demo.step("An LLM job", cmd, {})
    line = [x for x in out.getvalue().splitlines() if x.startswith("$ ")][0]
    assert line == "$ build/dc1 submit llm_inference --prompt 'Write a haiku about desert computing' " \
                   "max_tokens=128 --wait --save 'demo-output/it'\"'\"'s here.png'"
    pasted = shlex.split(line[2:])
    assert pasted[4] == "Write a haiku about desert computing" and ran == [cmd]


def test_lint_configurations_are_committed():
    cfg = json.loads((ROOT / ".swift-format").read_text())
    assert cfg["version"] == 1 and isinstance(cfg["rules"], dict)
    assert "[lint]" in (ROOT / "ruff.toml").read_text()
    assert "lint:" in (ROOT / "Makefile").read_text()
    assert "make lint" in (ROOT / ".ci" / "run").read_text()
