"""Progress on the terminal (stderr): one rewritten line on a terminal, a line per step otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.live = enabled and self.stream.isatty()
        self._last = 0.0
        self._open_line = False

    def step(self, message: str) -> None:
        """A new stage; always shown."""
        if not self.enabled:
            return
        self._end_line()
        self.stream.write(f"pdf: {message}\n")
        self.stream.flush()

    def update(self, message: str) -> None:
        """A count within a stage; shown in place on a terminal, at most ten times a second."""
        if not self.live:
            return
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        self.stream.write(f"\r\x1b[Kpdf: {message}")
        self.stream.flush()
        self._open_line = True

    def _end_line(self) -> None:
        if self._open_line:
            self.stream.write("\r\x1b[K")
            self._open_line = False


class Quiet(Progress):
    def __init__(self) -> None:
        super().__init__(enabled=False)
