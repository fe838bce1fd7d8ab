"""The suite tests the package as installed, not the checkout it runs from.

A file left out of the wheel must fail the tests, so nox installs the package (not editable)
and says so with TELNYX_WIRELESS_ASYNC_INSTALLED. A developer's editable install runs from
the checkout, and there these tests skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import telnyx_wireless_async

CHECKOUT = Path(__file__).resolve().parents[1]
SITE_PACKAGES = Path(sysconfig.get_path("purelib")).resolve()

pytestmark = pytest.mark.skipif(
    "TELNYX_WIRELESS_ASYNC_INSTALLED" not in os.environ,
    reason="nox installs the package and sets TELNYX_WIRELESS_ASYNC_INSTALLED",
)


def imported_from(module_file: str) -> Path:
    return Path(module_file).resolve().parent.parent


def test_the_tests_import_the_installed_package() -> None:
    assert imported_from(telnyx_wireless_async.__file__) == SITE_PACKAGES


def test_a_python_the_tests_start_in_the_checkout_imports_it_too() -> None:
    # As the CLI and emulator tests do: `-m` and `-c` put the working directory first on
    # sys.path, unless PYTHONSAFEPATH is set.
    code = "import telnyx_wireless_async; print(telnyx_wireless_async.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=CHECKOUT, capture_output=True, text=True, check=True
    )
    assert imported_from(done.stdout.strip()) == SITE_PACKAGES
