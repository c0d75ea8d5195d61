"""The header's contract (include/dc1.h, "Contract"): the comment of every exported function and
of every callback type states what it returns, what it fails with, whether it blocks and who owns
the memory, as lines starting "Returns:", "Fails:", "Blocks:" and "Memory:", in that order.

The checker below is plain text processing, so it is run twice: over the real header, and over
small synthetic headers that show it fails for a declaration added without the four facts."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "dc1.h"
REFERENCE = ROOT / "docs" / "reference.md"

FACTS = ("Returns", "Fails", "Blocks", "Memory")

# Codes a Fails: line may name before their #define reaches the header (none today).
PENDING_CODES: set = set()

# The same pattern as Tests/abi/run_abi_tests.py uses to list the exports.
EXPORT_ANY = re.compile(r"DC1_EXPORT[^;(]*?\b(dc1_\w+)\s*\(")
EXPORT = re.compile(r"^DC1_EXPORT\s+(?P<ret>[^;(]*?)\b(?P<name>dc1_\w+)\s*\(", re.M)
CALLBACK = re.compile(r"^typedef\s+(?P<ret>[^;(]*?)\(\s*\*\s*(?P<name>dc1_\w+)\s*\)\s*\(", re.M)


def declarations(text):
    """[(name, kind, return type, comment text or None)] for every export and callback type, in
    header order. kind is "function" or "callback"; the comment is the block comment that ends
    right above the declaration (blank lines allowed between them), with its "*" margins gone."""
    found = []
    for kind, pattern in (("function", EXPORT), ("callback", CALLBACK)):
        for m in pattern.finditer(text):
            before = text[:m.start()].rstrip()
            comment = None
            if before.endswith("*/"):
                start = before.rfind("/*")
                body = before[start + 2:-2]
                lines = []
                for line in body.splitlines():
                    line = re.sub(r"^\s*\*+ ?", "", line.rstrip()) if line.strip().startswith("*") else line.strip()
                    lines.append(line.rstrip())
                comment = "\n".join(lines).strip("\n")
            found.append((m.start(), m.group("name"), kind, " ".join(m.group("ret").split()), comment))
    return [f[1:] for f in sorted(found)]


def facts(comment):
    """{fact: [its text, …]} from the lines of a comment that start with "Fact:", each with the
    more-indented lines that continue it; also the order in which the facts appear."""
    out, order, current = {}, [], None
    for line in comment.splitlines():
        m = re.match(r"^(%s):\s*(.*)$" % "|".join(FACTS), line)
        if m:
            current = m.group(1)
            order.append(current)
            out.setdefault(current, []).append(m.group(2))
        elif current and line.startswith((" ", "\t")) and line.strip():
            out[current][-1] += " " + line.strip()
        else:
            current = None
    return out, order


def defined_codes(text):
    return set(re.findall(r"^#define (DC1_(?:OK|E_\w+))\s+-?\d+", text, re.M))


def defined_groups(text):
    """The named groups of codes the header defines once ("the network codes" = …)."""
    return set(re.findall(r'"(the [a-z]+ codes)"\s*=', text))


def check(text):
    """Every way the header breaks the contract, as messages naming the declaration."""
    problems = []
    decls = declarations(text)
    names = {d[0] for d in decls}
    codes = defined_codes(text) | PENDING_CODES
    groups = defined_groups(text)
    for name, kind, ret, comment in decls:
        if comment is None:
            problems.append("%s: no comment block above the declaration" % name)
            continue
        got, order = facts(comment)
        for fact in FACTS:
            if fact not in got:
                problems.append("%s: no %r line" % (name, fact + ":"))
            elif len(got[fact]) > 1:
                problems.append("%s: %r appears %d times" % (name, fact + ":", len(got[fact])))
            elif not got[fact][0].strip():
                problems.append("%s: %r is empty" % (name, fact + ":"))
        first_seen = list(dict.fromkeys(order))
        if first_seen != [f for f in FACTS if f in got]:
            problems.append("%s: the facts are not in the order %s" % (name, ", ".join(FACTS)))
        fails = " ".join(got.get("Fails", [""]))
        blocks = " ".join(got.get("Blocks", [""]))
        if "Fails" in got:
            never = fails.startswith("never")
            named = re.findall(r"\bDC1_E_[A-Z_]+\b", fails)
            used_groups = re.findall(r"\bthe [a-z]+ codes\b", fails)
            refers = re.findall(r"\bas (dc1_\w+)", fails)
            if ret in ("void", "const char *") and not never:
                problems.append("%s returns %s and cannot fail: say \"Fails: never\"" % (name, ret))
            if kind == "function" and not (never or named or used_groups or refers):
                problems.append("%s: \"Fails:\" names no DC1_E_* code, group or function (or \"never\")" % name)
            for code in named:
                if code not in codes:
                    problems.append("%s: \"Fails:\" names %s, which the header does not define" % (name, code))
            for group in used_groups:
                if group not in groups:
                    problems.append("%s: \"Fails:\" uses %r, which the header does not define" % (name, group))
            for other in refers:
                if other not in names:
                    problems.append("%s: \"Fails:\" refers to %s, which is not declared" % (name, other))
        if kind == "function" and "Blocks" in got and not re.match(r"^(no|yes)\b", blocks):
            problems.append("%s: \"Blocks:\" must start with \"no\" or \"yes\"" % name)
    return problems


def test_the_header_keeps_its_contract():
    problems = check(HEADER.read_text())
    assert not problems, "\n".join(problems)


def test_every_export_is_seen_by_the_checker():
    text = HEADER.read_text()
    seen = {name for name, kind, _, _ in declarations(text) if kind == "function"}
    assert seen == set(EXPORT_ANY.findall(text))
    assert len(seen) >= 45
    callbacks = {name for name, kind, _, _ in declarations(text) if kind == "callback"}
    assert callbacks == {"dc1_event_fn", "dc1_log_fn"}


def test_the_groups_the_fails_lines_use_are_defined_once():
    text = HEADER.read_text()
    assert defined_groups(text) == {"the argument codes", "the network codes"}
    for group in defined_groups(text):
        assert text.count('"%s" =' % group) == 1, group
    network = text.split('"the network codes" =', 1)[1].split(":", 1)[0]
    assert set(re.findall(r"DC1_E_\w+", network)) == {
        "DC1_E_NETWORK", "DC1_E_TIMEOUT", "DC1_E_RATE_LIMITED", "DC1_E_SERVER", "DC1_E_PROTOCOL",
        "DC1_E_HTTP", "DC1_E_INTERRUPTED"}


def test_one_word_names_are_decided_in_the_naming_rule():
    """dc1_<noun>_<verb>: an export named with one word (dc1_balance) breaks the rule unless the
    header's "Names" paragraph says why it stays or that it is a rename candidate."""
    text = HEADER.read_text()
    names_rule = text.split(" * Names.", 1)[1].split(" * Example.", 1)[0]
    assert "dc1_<noun>_<verb>" in names_rule
    for name in set(EXPORT_ANY.findall(text)):
        if re.fullmatch(r"dc1_[a-z]+", name):
            assert name in names_rule, "%s is not decided on in the header's Names paragraph" % name
    for name in ("dc1_jobs_history", "dc1_models_list"):
        assert name in names_rule


def test_the_reference_names_every_export():
    ref = REFERENCE.read_text()
    for name in set(EXPORT_ANY.findall(HEADER.read_text())):
        assert name in ref, name


# --- the checker on synthetic headers ------------------------------------------------------

GOOD = '''
#define DC1_E_INVALID_ARGUMENT -1
#define DC1_E_NOT_FOUND -5
/* "the argument codes" = DC1_E_INVALID_ARGUMENT. */

/**
 * Reads a widget.
 * Returns: 0; *out_json is the widget.
 * Fails: the argument codes; DC1_E_NOT_FOUND.
 * Blocks: yes: one read under the client's timeout_ms.
 * Memory: the caller frees *out_json with dc1_free.
 */
DC1_EXPORT int dc1_widget_get(dc1_client *client, const char *id, char **out_json);

/**
 * Frees a widget.
 * Returns: nothing.
 * Fails: never.
 * Blocks: no.
 * Memory: releases the widget.
 */
DC1_EXPORT void dc1_widget_free(dc1_widget *w);
'''


def test_the_checker_accepts_a_complete_header():
    assert check(GOOD) == []


def test_the_checker_fails_for_a_new_export_without_the_four_facts():
    added = GOOD + '''
/** Lists the widgets. out: {"widgets":[…]} */
DC1_EXPORT int dc1_widgets_list(dc1_client *client, char **out_json);
'''
    problems = check(added)
    assert problems == ["dc1_widgets_list: no %r line" % (f + ":") for f in FACTS]


def test_the_checker_fails_for_each_missing_fact():
    for fact in FACTS:
        text = "\n".join(line for line in GOOD.splitlines() if not line.startswith(" * %s:" % fact))
        problems = check(text)
        assert "dc1_widget_get: no %r line" % (fact + ":") in problems
        assert "dc1_widget_free: no %r line" % (fact + ":") in problems


def test_the_checker_fails_for_an_export_with_no_comment():
    problems = check(GOOD + "\nDC1_EXPORT int dc1_widget_delete(dc1_client *client, const char *id);\n")
    assert problems == ["dc1_widget_delete: no comment block above the declaration"]


@pytest.mark.parametrize("fails, complaint", [
    ("Fails: sometimes.", "names no DC1_E_* code"),
    ("Fails: DC1_E_NOT_FUOND.", "does not define"),
    ("Fails: the transport codes.", "does not define"),
    ("Fails: as dc1_widget_put.", "not declared"),
])
def test_the_checker_reads_what_fails_names(fails, complaint):
    text = GOOD.replace(" * Fails: the argument codes; DC1_E_NOT_FOUND.", " * " + fails)
    problems = check(text)
    assert len(problems) == 1 and complaint in problems[0] and problems[0].startswith("dc1_widget_get"), problems


def test_the_checker_wants_never_for_what_cannot_fail_and_yes_or_no_for_blocks():
    assert check(GOOD.replace(" * Fails: never.", " * Fails: the argument codes.")) == [
        'dc1_widget_free returns void and cannot fail: say "Fails: never"']
    assert check(GOOD.replace(" * Blocks: no.", " * Blocks: rarely.")) == [
        'dc1_widget_free: "Blocks:" must start with "no" or "yes"']


def test_the_checker_wants_the_facts_in_order_and_once():
    swapped = GOOD.replace(" * Blocks: no.\n * Memory: releases the widget.",
                           " * Memory: releases the widget.\n * Blocks: no.")
    assert check(swapped) == ["dc1_widget_free: the facts are not in the order Returns, Fails, Blocks, Memory"]
    twice = GOOD.replace(" * Blocks: no.", " * Blocks: no.\n * Blocks: no.")
    assert check(twice) == ["dc1_widget_free: 'Blocks:' appears 2 times"]


def test_the_checker_covers_callback_types():
    text = GOOD + '''
/** Receives a widget event. */
typedef int (*dc1_widget_fn)(void *user_data, const char *event_json);
'''
    assert check(text) == ["dc1_widget_fn: no %r line" % (f + ":") for f in FACTS]
