"""Text for a terminal: what the server (or a file) wrote, made harmless to print.

A terminal obeys the control characters in what it is given: ``ESC ] 0 ; ... BEL`` retitles
the window, ``ESC [ 2 J`` clears the screen, ``CR`` lets a line overwrite itself, and the
bidi controls (such as U+202E) reorder what follows. Every human-readable line the command
line prints with text it did not write itself goes through `printable`.
"""

from __future__ import annotations

import re

__all__ = ["is_printable", "printable"]

_UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0, DEL and C1 controls
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates, which cannot even be encoded
    "]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""Return `text` with its control characters written as visible escapes, e.g. ``\x1b``."""
    return _UNSAFE.sub(_escape, text)


def is_printable(text: str) -> bool:
    """Tell whether `printable` would return `text` unchanged."""
    return _UNSAFE.search(text) is None
