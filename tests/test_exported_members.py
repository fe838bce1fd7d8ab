"""The public surface is deliberate: a new or vanished name fails here."""

import ast
import importlib
import inspect
import itertools
import pkgutil
from types import ModuleType

import telnyx_wireless_async
from telnyx_wireless_async import errors, models, testing


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


def test_the_group_models_and_resources_are_exported() -> None:
    from telnyx_wireless_async.resources.sim_card_group_actions import SimCardGroupActions
    from telnyx_wireless_async.resources.sim_card_groups import SimCardGroups

    for name in ("SimCardGroup", "SimCardGroupAction", "SimCardGroupActionStatus"):
        assert name in telnyx_wireless_async.__all__
    assert "SimCardGroupActionType" in models.__all__
    session = telnyx_wireless_async.AsyncSession("key", base_url="http://127.0.0.1:9/v2")
    assert isinstance(session.sim_card_groups, SimCardGroups)
    assert isinstance(session.sim_card_group_actions, SimCardGroupActions)


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


# -- telnyx_wireless_async.testing ----------------------------------------------------------

TESTING_NAMES = {
    # run the emulator
    "BASE_PATH",
    "Emulator",
    "create_app",
    # script it and look inside
    "EmulatorState",
    "EmulatorStats",
    "Fault",
    "FaultProfile",
    "Outcome",
    "RecordedRequest",
    "registration_code",
    # unit tests with no socket
    "Handler",
    "MockTransport",
    "Request",
    "Response",
    "json_response",
}


def test_testing_exports_what_users_need_and_nothing_else() -> None:
    exported = testing.__all__

    assert exported == sorted(exported, key=_kind)
    assert set(exported) == TESTING_NAMES
    public = {
        name
        for name in dir(testing)
        if not name.startswith("_") and not isinstance(getattr(testing, name), ModuleType)
    }
    assert public == TESTING_NAMES
    assert set(testing._HOMES) == TESTING_NAMES  # where each is loaded from on first use


def test_importing_testing_leaves_aiohttp_for_the_emulator() -> None:
    # The command line builds its parser from testing._command on every run.
    import subprocess
    import sys

    code = "import sys, telnyx_wireless_async.testing._command; print('aiohttp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_testing_names_have_docstrings() -> None:
    documented = _attribute_docstrings(testing)
    for name in testing.__all__:
        obj = getattr(testing, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name
        else:  # a constant or a type alias: the string literal after its assignment
            assert documented.get(name), name


def test_internal_names_stay_importable_from_their_private_modules() -> None:
    for module, name in [
        ("_app", "STATS_PATH"),
        ("_faults", "MALFORMED_BODIES"),
        ("_inventory", "CardQuery"),
        ("_inventory", "Inventory"),
        ("_ratelimit", "RateLimiter"),
        ("_stats", "UNMATCHED_ROUTE"),
    ]:
        assert hasattr(importlib.import_module(f"{testing.__name__}.{module}"), name)
        assert not hasattr(testing, name)


def _kind(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def _attribute_docstrings(package: ModuleType) -> dict[str, str]:
    """Map each module-level name assigned in `package` to the string literal right after it."""
    docstrings: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}."):
        module = importlib.import_module(info.name)
        tree = ast.parse(inspect.getsource(module))
        for statement, following in itertools.pairwise(tree.body):
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [statement.target]
                if isinstance(statement, ast.AnnAssign)
                else []
            )
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                for target in targets:
                    if isinstance(target, ast.Name):
                        docstrings[target.id] = following.value.value
    return docstrings
