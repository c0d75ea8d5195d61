"""Issue 25: each language's guide names only options that exist in that language.

The same setting is spelled four ways — Python ``api_key=``, Node ``apiKey``, Swift ``apiKey:``,
the CLI ``--api-key`` (and C ``"api_key"`` in an options document). A guide that borrows another
language's spelling sends its reader to an option that is not there."""
from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"

SNAKE = ["api_key", "base_url", "poll_interval", "allow_insecure_http", "max_retries"]
CAMEL = ["apiKey", "baseUrl", "pollInterval", "allowInsecureHttp", "maxRetries"]
FLAGS = ["--api-key", "--base-url"]

# guide -> (spellings it must not use, one spelling it must use)
GUIDES = {
    "python.md": (CAMEL + FLAGS, "api_key"),
    "node.md": (SNAKE + FLAGS, "apiKey"),
    "swift.md": (SNAKE + FLAGS, "apiKey"),
    "cli.md": (SNAKE + CAMEL, "--api-key"),
}


def _found(text: str, word: str) -> bool:
    if word.startswith("--"):
        return re.search(r"(?<![\w-])" + re.escape(word) + r"\b", text) is not None
    return re.search(r"(?<![\w.])" + re.escape(word) + r"\b", text) is not None


def test_each_guide_names_its_own_options():
    wrong = []
    for name, (forbidden, own) in GUIDES.items():
        text = (DOCS / name).read_text()
        assert _found(text, own), f"{name} never names its own option {own}"
        wrong += [f"{name}: {w}" for w in forbidden if _found(text, w)]
    assert not wrong, "options of another language: " + ", ".join(wrong)


def test_the_check_finds_a_borrowed_spelling():
    assert _found("pass apiKey to it", "apiKey") and not _found("DC1_API_KEY", "api_key")
    assert _found("use --api-key KEY", "--api-key") and not _found("x--api-keys", "--api-key")
