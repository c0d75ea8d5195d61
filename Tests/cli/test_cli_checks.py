"""Issue 25: a user never pays for a mistake the client could see. Through the CLI (checks
"strict" by default): a mistyped model, a non-numeric max_tokens and a --save into a missing
folder are each refused with no job created; --no-check sends anyway; a save that fails after
the job completed says how to fetch the output again."""
from __future__ import annotations

import os

from conftest import base_env  # noqa: F401  (the fixtures come from conftest)


def created(emu, renter):
    return emu.counters()["jobs_created_by_renter"].get(str(renter["id"]), 0)


def test_mistyped_model_is_refused_with_suggestions(dc1, emu, renter):
    r = dc1("submit", "llm_inference", "--model", "mistralai/Mistral-7B-Instruct-v0.3", "--prompt", "hi")
    assert r.rc == 2, r
    assert "no model \"mistralai/Mistral-7B-Instruct-v0.3\" in the catalogue" in r.err
    assert "did you mean \"mistralai/Mistral-7B-Instruct-v0.2\"" in r.err
    assert "--no-check" in r.err or "check" in r.err
    assert created(emu, renter) == 0


def test_model_in_params_is_checked_too(dc1, emu, renter):
    r = dc1("submit", "llm_inference", "model=TinyLama/TinyLlama-1.1B-Chat-v1.0", "--prompt", "hi")
    assert r.rc == 2 and "params.model" in r.err and "TinyLlama/TinyLlama-1.1B-Chat-v1.0" in r.err, r
    assert created(emu, renter) == 0


def test_non_numeric_max_tokens_is_refused(dc1, emu, renter):
    r = dc1("submit", "llm_inference", "--prompt", "hi", "max_tokens=abc")
    assert r.rc == 2, r
    assert "params.max_tokens: must be a number, got \"abc\"" in r.err
    assert created(emu, renter) == 0


def test_no_check_sends_anyway(dc1, emu, renter):
    r = dc1("--json", "submit", "llm_inference", "--model", "not-in-the-catalogue", "--prompt", "hi", "--no-check")
    assert r.rc == 0, r
    assert created(emu, renter) == 1


def test_known_model_and_numbers_pass(dc1, emu, renter):
    r = dc1("--json", "submit", "llm_inference", "--model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "--prompt", "hi",
            "max_tokens=16", "temperature=0.2")
    assert r.rc == 0, r
    assert "warnings" not in r.json()
    assert created(emu, renter) == 1


def test_save_into_a_missing_folder_is_refused_before_submit(dc1, emu, renter, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "x.png"
    r = dc1("submit", "image_generation", "--prompt", "a cat", "--wait", "--save", str(target))
    assert r.rc == 2, r
    assert "does not exist" in r.err and str(target.parent) in r.err
    assert created(emu, renter) == 0


def test_failed_save_after_completion_says_how_to_recover(dc1, emu, renter, tmp_path):
    """The folder exists at submit time and is gone when the output arrives."""
    folder = tmp_path / "out"
    folder.mkdir()
    os.chmod(folder, 0o500)  # not writable: refused before submit
    try:
        r = dc1("submit", "image_generation", "--prompt", "a cat", "--wait", "--save", str(folder / "x.png"))
        if os.geteuid() != 0:
            assert r.rc == 2 and "not writable" in r.err, r
            assert created(emu, renter) == 0
    finally:
        os.chmod(folder, 0o700)
    # A path whose folder is a file by the time the image arrives: the save fails after payment.
    blocker = tmp_path / "later"
    blocker.mkdir()
    target = blocker / "x.png"
    os.makedirs(target)  # x.png is a directory: the rename cannot replace it
    r = dc1("submit", "image_generation", "--prompt", "a dog", "--wait", "--save", str(target))
    assert r.rc != 0, r
    assert "dc1 output " in r.err and f"--save {target}" in r.err, r.err


def test_advice_names_the_cli_options(dc1):
    """Issue 25: the core's hint is said in the CLI's terms (no C option names)."""
    r = dc1("balance", key=None)
    assert r.rc == 3, r
    assert "--api-key" in r.err and "api_key option" not in r.err
    r = dc1("--base-url", "http://dcp.example.com", "balance")
    assert r.rc == 2, r
    assert "https://" in r.err and "allow_insecure_http" not in r.err


def test_subcommand_typo_gets_a_suggestion(dc1):
    r = dc1("balanse")
    assert r.rc == 1 and "did you mean 'balance'?" in r.err, r
    r = dc1("--json", "histroy")
    assert "did you mean 'history'?" in r.err, r


def test_completion_offers_job_types(dc1):
    r = dc1("--generate-completion-script", "bash")
    assert r.rc == 0 and "llm_inference" in r.out and "image_generation" in r.out, r
