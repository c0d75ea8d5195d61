"""The lines the emulator prints once it listens, and a reader for them.

They are shell commands: ``export DC1_BASE_URL=…``, ``export DC1_API_KEY=…`` and
``export DC1_EMULATOR_TOKEN=…``, each value quoted with :func:`shlex.quote` when it needs it, so
the lines can be pasted into a POSIX shell, sourced from a file (``. FILE``) or given to ``eval``.
:func:`parse_env` reads them back (and also the older form without ``export``)."""
from __future__ import annotations

import shlex
from typing import Dict, Iterable, Tuple

NAMES = ("DC1_BASE_URL", "DC1_API_KEY", "DC1_EMULATOR_TOKEN")


def format_env(pairs: Iterable[Tuple[str, str]]) -> str:
    """``export NAME=value`` lines, one per pair, each ending in a newline."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in pairs)


def parse_env(text: str) -> Dict[str, str]:
    """The ``NAME=value`` assignments in ``text`` (``export`` optional, shell quoting undone);
    lines that are not assignments (comments, log lines) are skipped."""
    out: Dict[str, str] = {}
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if words[:1] == ["export"]:
            words = words[1:]
        if len(words) != 1 or "=" not in words[0]:
            continue
        name, value = words[0].split("=", 1)
        if name.isidentifier():
            out[name] = value
    return out
