"""dc1.emulator — a local DC1 server for the demo, the test suites and users' own
tests (stripe-mock is the model). Python standard library only.

    from dc1.emulator import Emulator

    with Emulator(speed=20.0) as emu:      # free loopback port, in-process
        print(emu.base_url, emu.api_key)

Or as a process: ``dc1-emulator`` (``PYTHONPATH=bindings/python python3 -m dc1.emulator``
from a checkout). It prints ``DC1_BASE_URL=...``, ``DC1_API_KEY=...`` and
``DC1_EMULATOR_TOKEN=...`` (the control API's token) on stdout once listening. It runs
``custom_container`` scripts as your user: it binds to loopback, answers only its own Host
names, and its control API needs the token. The server it
emulates is described in ``docs/server.md``; see ``docs/emulator.md`` for the flags, the
control API under ``/__emulator/`` and fault injection."""
from .app import Emulator, EmulatorError

__all__ = ["Emulator", "EmulatorError"]
