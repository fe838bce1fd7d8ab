"""Every module logs under its own name, below the package's logger that users configure."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterator

import pytest

import telnyx_wireless_async
from telnyx_wireless_async.cli import _configure_logging

PACKAGE = telnyx_wireless_async.__name__


def modules() -> Iterator[str]:
    for info in pkgutil.walk_packages(telnyx_wireless_async.__path__, prefix=f"{PACKAGE}."):
        if not info.name.endswith("__main__"):  # running them is their only job
            yield info.name


@pytest.mark.parametrize("name", sorted(modules()))
def test_a_module_logs_under_its_own_name(name: str) -> None:
    module = importlib.import_module(name)
    loggers = [value for value in vars(module).values() if isinstance(value, logging.Logger)]
    assert all(logger.name == name for logger in loggers), loggers


def test_the_modules_that_log_do_so_below_the_package() -> None:
    package = logging.getLogger(PACKAGE)
    for name in ("_bulk", "_pagination", "_retry", "testing._middleware"):
        module = importlib.import_module(f"{PACKAGE}.{name}")
        [logger] = [v for v in vars(module).values() if isinstance(v, logging.Logger)]
        assert logger.parent is package


@pytest.fixture
def package_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger(PACKAGE)
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


def test_the_command_line_shows_what_every_module_logs(
    package_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure_logging(debug=False)
    logging.getLogger(f"{PACKAGE}._pagination").warning("cards may have been missed")
    logging.getLogger(f"{PACKAGE}._retry").info("retrying")  # only with --debug
    assert capsys.readouterr().err == "telnyx-wireless: warning: cards may have been missed\n"

    _configure_logging(debug=True)
    logging.getLogger(f"{PACKAGE}._retry").info("retrying after 503")
    assert capsys.readouterr().err == "telnyx-wireless: info: retrying after 503\n"
