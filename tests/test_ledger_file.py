"""The register ledger as a file: how it is read and rewritten, in-process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from telnyx_wireless_async.cli._ledger_file import LedgerEntry, LedgerFile, load_ledger

LINE = '{"code":"0000000018","outcome":"registered","at":""}\n'


def test_a_ledger_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + LINE.encode())
    assert load_ledger(str(path))["0000000018"].outcome == "registered"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_ledger_named_through_a_symlink_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text(LINE)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    ledger = LedgerFile(str(link))
    ledger.rewrite([LedgerEntry(code="0000000026", outcome="registered", at="")])
    ledger.close()
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert list(load_ledger(str(real))) == ["0000000026"]
    assert {p.name for p in tmp_path.iterdir()} == {"real.jsonl", "link.jsonl"}
