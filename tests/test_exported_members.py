"""The public surface is deliberate: a new or vanished name fails here."""

import telnyx_wireless_async
from telnyx_wireless_async import errors, models


def test_all_is_sorted_and_complete() -> None:
    exported = telnyx_wireless_async.__all__

    # isort-style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then the rest.
    def kind(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert exported == sorted(exported, key=kind)
    public = {name for name in vars(telnyx_wireless_async) if not name.startswith("_")}
    public -= {"cli", "errors", "models", "resources", "testing"}
    assert public == set(exported) - {"__version__"}


def test_every_error_and_model_is_exported() -> None:
    for module in (errors, models):
        for name in module.__all__:
            assert getattr(telnyx_wireless_async, name) is getattr(module, name)


def test_public_names_have_docstrings() -> None:
    for name in telnyx_wireless_async.__all__:
        obj = getattr(telnyx_wireless_async, name)
        if isinstance(obj, type):
            assert obj.__doc__, name


def test_importing_the_package_leaves_aiohttp_for_the_first_request() -> None:
    # aiohttp takes most of the import time; it is loaded when a session first opens.
    import subprocess
    import sys

    code = "import sys, telnyx_wireless_async; print('aiohttp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
