"""Errors of the vision package.

`VisionError` is the one base class the rest of the kiosk catches around face
detection and emotion recognition; its messages are written for a store operator
(what is wrong, which file, what to do).
"""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import KioskError


class VisionError(KioskError):
    """Base class of every error raised by `kiosk.vision`."""


class ModelFileError(VisionError):
    """A bundled model file is missing, unreadable or does not fit the network.

    The message names the file and says how to get a good copy back (reinstall the
    kiosk, or rebuild the weights with the convert tool)."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(
            f"model file {self.path}: {problem}. Reinstall the kiosk, or rebuild the weights "
            "with `python -m kiosk.tools.convert_weights`."
        )
