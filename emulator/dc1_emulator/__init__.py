"""dc1_emulator — a local DC1 server for the demo, the test suites and users' own
tests (stripe-mock is the model). Python standard library only; its own wheel, dc1-emulator
(emulator/pyproject.toml), separate from the dc1 client bindings.

    from dc1_emulator import Emulator

    with Emulator(speed=20.0) as emu:      # free loopback port, in-process
        print(emu.base_url, emu.api_key)

Or as a process: ``dc1-emulator`` (``PYTHONPATH=emulator python3 -m dc1_emulator`` from a
checkout). Once listening it prints ``export DC1_BASE_URL=...``, ``export DC1_API_KEY=...`` and
``export DC1_EMULATOR_TOKEN=...`` (the control API's token) on stdout, lines a shell can run;
``parse_env`` reads them back. It runs ``custom_container`` scripts as your user: it binds to
loopback, answers only its own Host names, and its control API needs the token. The server it
emulates is described in ``docs/server.md``; see ``docs/emulator.md`` for the flags, the
control API under ``/__emulator/`` and fault injection."""
from .app import Emulator, EmulatorError
from .envlines import format_env, parse_env

__all__ = ["Emulator", "EmulatorError", "format_env", "parse_env"]
