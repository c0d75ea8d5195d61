"""dc1.emulator — a local DC1 server for the demo, the test suites and users' own
tests (stripe-mock is the model). Python standard library only.

    from dc1.emulator import Emulator

    with Emulator(speed=20.0) as emu:      # free loopback port, in-process
        print(emu.base_url, emu.api_key)

Or as a process: ``PYTHONPATH=bindings/python python3 -m dc1.emulator``. It prints
``DC1_BASE_URL=...`` and ``DC1_API_KEY=...`` on stdout once listening. The wire
contract is ``dc1-api-contract.md``; see ``docs/emulator.md`` for the flags, the
control API under ``/__emulator/`` and fault injection."""
from .app import Emulator, EmulatorError

__all__ = ["Emulator", "EmulatorError"]
