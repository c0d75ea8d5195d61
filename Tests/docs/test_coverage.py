"""docs/coverage.md is the table of every function declared in include/dc1.h against each
language; this test keeps it true (the rules are written at the top of docs/coverage.md).

A function added to dc1.h fails here until it has a row: a binding in each language, or
`absent:` / `internal:` with a reason."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "dc1.h"
TABLE = ROOT / "docs" / "coverage.md"

COLUMNS = ["C", "Python (sync)", "Python (asyncio)", "Node", "Swift", "CLI"]


def sources(*globs, exclude=()):
    text = []
    for g in globs:
        for p in sorted(ROOT.glob(g)):
            rel = p.relative_to(ROOT).as_posix()
            if p.is_file() and not any(x in rel for x in exclude):
                text.append(p.read_text(errors="replace"))
    return "\n".join(text)


# Where each language's code is. C: the tests and examples that call the C API.
SOURCES = {
    "C": lambda: sources("Tests/c/*.c", "Tests/c/*.h", "Tests/abi/**/*", "examples/c/*.c"),
    "Python (sync)": lambda: sources("bindings/python/dc1/*.py", exclude=("/emulator/", "aio.py")),
    "Python (asyncio)": lambda: sources("bindings/python/dc1/*.py", exclude=("/emulator/",)),
    "Node": lambda: sources("bindings/node/src/*.c", "bindings/node/lib/*.js", "bindings/node/index.js"),
    "Swift": lambda: sources("Sources/DC1/*.swift"),
    "CLI": lambda: sources("Sources/DC1CLI/**/*.swift"),
}
# Languages whose binding calls the C API by name: the name itself is the evidence.
BY_C_NAME = {"C", "Python (sync)", "Node"}

_cache = {}


def src(lang):
    if lang not in _cache:
        _cache[lang] = SOURCES[lang]()
    return _cache[lang]


def declared():
    """Every function dc1.h declares (DC1_EXPORT <type> dc1_name(…)), in order."""
    text = HEADER.read_text()
    names = re.findall(r"^DC1_EXPORT\s[^;(]*?\b(dc1_[a-z0-9_]+)\s*\(", text, re.M)
    assert len(names) == len(set(names))
    return names


def table():
    rows = {}
    lines = TABLE.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| function |"))
    cols = [c.strip() for c in lines[header].strip("|").split("|")]
    assert cols == ["function"] + COLUMNS, cols
    for line in lines[header + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.fullmatch(r"`(dc1_[a-z0-9_]+)`", cells[0])
        assert m, f"the first cell of a row names one function in backticks: {line}"
        assert m.group(1) not in rows, f"two rows for {m.group(1)}"
        assert len(cells) == len(COLUMNS) + 1, f"{m.group(1)}: {len(cells) - 1} cells, want {len(COLUMNS)}"
        rows[m.group(1)] = dict(zip(COLUMNS, cells[1:]))
    return rows


def kind(cell):
    for k in ("absent", "internal"):
        if cell.startswith(k + ":"):
            return k, cell[len(k) + 1:].strip()
    return "binding", cell


def has_reason(text):
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 3


def binding_name(cell):
    m = re.search(r"`([^`]+)`", cell)
    return m.group(1) if m else None


def defined(lang, name):
    """Whether the binding `name` (as written in the table) is defined in `lang`'s sources."""
    text = src(lang)
    if lang == "CLI":
        words = name.split()
        if not words or words[0] != "dc1":
            return False
        for w in words[1:]:
            if w.startswith("--"):
                flag = w[2:]
                camel = re.sub(r"-([a-z])", lambda m: m.group(1).upper(), flag)
                if not re.search(r'customLong\("%s"\)|\bvar %s\b' % (re.escape(flag), re.escape(camel)), text):
                    return False
            elif re.fullmatch(r"[a-z][a-z0-9-]*", w):
                if f'commandName: "{w}"' not in text:
                    return False
            else:
                break  # an argument (ID, PATH, …): the command is named already
        return True
    ident = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", name.split("(")[0])
    if not ident:
        return False
    ident = ident[-1]
    pats = {
        "Python (sync)": r"^\s*(?:async\s+)?(?:def|class)\s+%s\b",
        "Python (asyncio)": r"^\s*(?:async\s+)?(?:def|class)\s+%s\b",
        "Node": r"^\s*(?:(?:async|static|get)\s+)?%s\s*\(|\bfunction\s+%s\b|\bclass\s+%s\b",
        "Swift": r"\b(?:func|var|let|class|struct|enum)\s+%s\b",
    }
    pat = pats[lang].replace("%s", re.escape(ident))
    return re.search(pat, text, re.M) is not None


def test_every_declared_function_has_a_row():
    rows = table()
    missing = [f for f in declared() if f not in rows]
    assert not missing, ("functions declared in include/dc1.h without a row in docs/coverage.md "
                         f"(add one: a binding or 'absent: <reason>' per language): {missing}")
    extra = [f for f in rows if f not in declared()]
    assert not extra, f"rows for functions dc1.h does not declare: {extra}"


@pytest.mark.parametrize("lang", COLUMNS)
def test_each_language_binds_every_function_or_says_why_not(lang):
    rows = table()
    problems = []
    for fn in declared():
        if fn not in rows:
            continue  # reported by the test above
        cell = rows[fn][lang]
        k, rest = kind(cell)
        found = re.search(r"\b%s\b" % fn, src(lang)) is not None
        if not cell:
            problems.append(f"{fn}: empty cell")
            continue
        if lang == "C":
            if cell != "tested" or not found:
                problems.append(f"{fn}: no C test or example calls it (cell {cell!r})")
            continue
        if k in ("absent", "internal") and not has_reason(rest):
            problems.append(f"{fn}: '{k}:' needs a reason")
        if lang in BY_C_NAME:
            if k == "absent" and found:
                problems.append(f"{fn}: marked absent, but the {lang} sources call it: update the row")
            if k != "absent" and not found:
                problems.append(f"{fn}: no {lang} binding calls it (its C name is not in the sources); "
                                "bind it, or mark the cell 'absent: <reason>'")
        if k == "binding":
            name = binding_name(cell)
            if not name:
                problems.append(f"{fn}: the cell names no binding in backticks: {cell!r}")
            elif not defined(lang, name):
                problems.append(f"{fn}: {lang} defines no {name!r}")
    assert not problems, f"docs/coverage.md, column {lang}:\n  " + "\n  ".join(problems)


def test_the_checker_catches_a_gap():
    """A binding name that does not exist, and a C name nobody calls, are caught."""
    assert not defined("Node", "noSuchMethod()")
    assert not defined("Swift", "noSuchFunc()")
    assert not defined("CLI", "dc1 no-such-command")
    assert not defined("CLI", "dc1 output --no-such-flag")
    assert defined("CLI", "dc1 webhook set-url")
    assert defined("Node", "batch.run()")
    assert re.search(r"\bdc1_no_such_function\b", src("Node")) is None
