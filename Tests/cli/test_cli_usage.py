"""Help, version, argument parsing and the usage exit codes (no server needed, but the
fixtures point at the emulator anyway)."""
from __future__ import annotations

import re

COMMANDS = ["balance", "me", "providers", "submit", "status", "wait", "output", "logs", "cancel",
            "history", "chat", "batch"]
EXIT_CODES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21, 22, 130]


def test_help_lists_every_command_and_exit_code(dc1):
    r = dc1("--help")
    assert r.rc == 0, r
    for c in COMMANDS:
        assert re.search(rf"^  {c}\s", r.out, re.M), c
    table = r.out.split("Exit status:")[1]
    codes = [int(m) for m in re.findall(r"^  (\d+)\s", table, re.M)]
    assert codes == EXIT_CODES


def test_help_for_one_command(dc1):
    for args in (["help", "submit"], ["submit", "--help"], ["submit", "-h"]):
        r = dc1(*args)
        assert r.rc == 0, r
        assert r.out.startswith("OVERVIEW: Submit a job"), r
        assert "USAGE: dc1 submit [<options>] <job_type>" in r.out and "--script <FILE>" in r.out, r


def test_version(dc1):
    r = dc1("--version")
    assert r.rc == 0 and re.fullmatch(r"dc1 \d+\.\d+\.\d+\n", r.out), r


def test_usage_errors_exit_1(dc1):
    for args in ([], ["frobnicate"], ["balance", "--frob"], ["--frob", "balance"], ["status"],
                 ["status", "a", "b"], ["history", "--limit"], ["chat", "hi"],
                 ["chat", "--job", "j", "--v1", "hi"], ["submit", "llm_inference", "notkeyvalue"],
                 ["submit", "llm_inference", "--save", "x.png"]):
        r = dc1(*args)
        assert r.rc == 1, r
        assert r.err.startswith("dc1: "), r
        assert r.out == "", r


def test_bad_flag_values_exit_2(dc1):
    for args in (["history", "--limit", "abc"], ["history", "--limit", "0"], ["--timeout=-1", "balance"], ["--timeout", "0", "balance"],
                 ["providers", "--min-vram", "lots"], ["submit", "llm_inference", "--provider", "x"]):
        r = dc1(*args)
        assert r.rc == 2, r


def test_global_flags_after_the_command(dc1):
    r = dc1("balance", "--json")
    assert r.rc == 0, r
    assert r.json()["balance_halala"] == 50000


def test_a_mistyped_key_is_not_echoed(dc1, renter):
    # The conftest check would fail the test if the key were printed; the message says why.
    r = dc1(renter["api_key"])
    assert r.rc == 1 and "Unexpected argument '[redacted]'" in r.err, r
    r = dc1("--api-key", "dcp-renter-typed-on-the-command-line", "dcp-renter-typed-on-the-command-line")
    assert r.rc == 1 and "[redacted]" in r.err, r


def test_argument_errors_name_the_argument(dc1):
    r = dc1("history", "--limit", "abc")
    assert r.rc == 2 and "'abc'" in r.err and "--limit" in r.err, r
    r = dc1("status")
    assert r.rc == 1 and "<job-id>" in r.err and "Usage: dc1 status" in r.err, r
    r = dc1("balance", "--frob")
    assert r.rc == 1 and "--frob" in r.err, r


def test_completion_scripts(dc1):
    for shell, marker in (("bash", "complete"), ("zsh", "#compdef dc1"), ("fish", "complete -c 'dc1'")):
        r = dc1("--generate-completion-script", shell)
        assert r.rc == 0 and marker in r.out, (shell, r)
        for c in COMMANDS:
            assert c in r.out, (shell, c)
