"""The imaging package's one exception: a file or frame that will not be shown or
classified, with a reason an operator can act on."""

from __future__ import annotations

# Why an image was refused (`ImageError.kind`); stable strings for logs and tests.
KINDS = (
    "missing",      # no such file
    "folder",       # a folder where a file was expected
    "empty",        # zero bytes
    "unreadable",   # the OS refused to read it (permissions, I/O error)
    "not_image",    # not a format Pillow decodes (or a corrupt header)
    "truncated",    # the file ends before the image does (cut download, full disk)
    "corrupt",      # the pixel data is damaged
    "too_large",    # more pixels (or bytes) than the policy allows
    "aspect",       # a sliver: the long side is too many times the short side
)


class ImageError(Exception):
    """An image that cannot be used. `name` is the file (or source) it came from,
    `kind` one of `KINDS`, and the message says what is wrong and what to do."""

    def __init__(self, name: str, kind: str, detail: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown image error kind {kind!r}")
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.kind = kind
        self.detail = detail
