"""The simulated clock. Jobs advance in *simulated* seconds; ``speed`` says how
many simulated seconds pass per real second (1.0: an LLM job takes ~2-3 s)."""
from __future__ import annotations

import threading
import time


class SimClock:
    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self._lock = threading.Lock()
        self._speed = float(speed)
        self._anchor_real = time.monotonic()
        self._anchor_sim = 0.0

    def now(self) -> float:
        """Simulated seconds since the emulator started (monotonic)."""
        with self._lock:
            return self._anchor_sim + (time.monotonic() - self._anchor_real) * self._speed

    @property
    def speed(self) -> float:
        return self._speed

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        with self._lock:
            real = time.monotonic()
            self._anchor_sim += (real - self._anchor_real) * self._speed
            self._anchor_real = real
            self._speed = float(speed)

    def to_real(self, sim_seconds: float) -> float:
        return sim_seconds / self._speed
