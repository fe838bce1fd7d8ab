"""A griffe extension for the docs build: reST literal blocks become Markdown code blocks.

The docstrings introduce examples the reStructuredText way, ``like this::`` followed by an
indented block, which ``help()`` and editors show well. Read as Google-style Markdown, the
indented block under a line ending in a colon would become an admonition with its lines run
together. This rewrites each such block as a fenced one (Python when it parses as Python)
and the doubled colon as one. A line that is only ``Example::`` becomes ``For example:``,
since a bare ``Example:`` opens a Google-style section.
"""

from __future__ import annotations

import ast
import textwrap
from typing import Any

import griffe


def _language(block: str) -> str:
    try:
        compile(block, "<docstring>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return "text"
    return "python"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def fence_literal_blocks(text: str) -> str:
    """Return `text` with every ``::`` literal block fenced."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.rstrip().endswith("::"):
            out.append(line)
            continue
        head = line.rstrip()[:-1]
        out.append("For example:" if head.strip() == "Example:" else head)
        while i < len(lines) and not lines[i].strip():
            i += 1
        start = i
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > _indent(line)):
            i += 1
        block = textwrap.dedent("\n".join(lines[start:i])).strip("\n")
        out += ["", f"```{_language(block)}", *block.splitlines(), "```", ""]
    return "\n".join(out)


class RstLiterals(griffe.Extension):
    """Fence the reST literal blocks of every docstring."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the object's docstring, if it has one."""
        if obj.docstring is not None and "::" in obj.docstring.value:
            obj.docstring.value = fence_literal_blocks(obj.docstring.value)
