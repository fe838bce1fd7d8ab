"""The models package: its shape, and which way its imports go.

`errors` is a leaf: it imports nothing from the SDK at run time (the models it names
are for type checkers only), so the models may import it, and the two never import
each other in a cycle, not even from inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import attrs
import pytest

import telnyx_wireless_async
from telnyx_wireless_async import errors, models
from telnyx_wireless_async.models import (
    Page,
    PageMeta,
    RegistrationResult,
    SimCard,
    SimCardPage,
    UnsettledCode,
)

PACKAGE = Path(telnyx_wireless_async.__file__).parent
MODELS = sorted((PACKAGE / "models").glob("*.py"))
MODEL_CLASSES = [
    cls
    for cls in (getattr(models, name) for name in models.__all__)
    if isinstance(cls, type) and attrs.has(cls)  # not SimCardPage, an alias of Page[SimCard]
]


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in {
        "TYPE_CHECKING",
        "typing.TYPE_CHECKING",
    }


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return [alias.name for alias in node.names]


def runtime_imports(path: Path) -> set[str]:
    """The modules `path` imports when it is imported, `if TYPE_CHECKING:` blocks aside."""
    found: set[str] = set()
    for statement in ast.parse(path.read_text()).body:
        if _is_type_checking(statement):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.update(_imported(node))
    return found


def deferred_imports(path: Path) -> set[str]:
    """The modules `path` imports inside a function: a cycle put off, not broken."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.update(_imported(inner))
    return found


def sdk_modules(names: set[str]) -> set[str]:
    return {name for name in names if name.split(".")[0] == "telnyx_wireless_async"}


def test_errors_imports_nothing_from_the_sdk_at_run_time() -> None:
    path = PACKAGE / "errors.py"
    assert sdk_modules(runtime_imports(path)) == set()
    assert sdk_modules(deferred_imports(path)) == set()


@pytest.mark.parametrize("path", MODELS, ids=lambda path: path.name)
def test_models_import_only_models_and_errors(path: Path) -> None:
    for name in sdk_modules(runtime_imports(path)):
        assert name.startswith("telnyx_wireless_async.models") or name == (
            "telnyx_wireless_async.errors"
        ), name
    assert deferred_imports(path) == set()
    # Wire rules live in the converter: a model knows nothing of cattrs or JSON.
    assert not {"cattrs", "json", "orjson"} & {name.split(".")[0] for name in runtime_imports(path)}


def test_every_model_is_in_a_resource_module_and_reexported() -> None:
    for name in models.__all__:
        obj = getattr(models, name)
        module = getattr(obj, "__module__", None) or obj.__origin__.__module__
        assert module.startswith("telnyx_wireless_async.models."), name
        assert getattr(telnyx_wireless_async, name) is obj


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_models_are_frozen_slotted_and_keyword_only(cls: type) -> None:
    assert "__slots__" in vars(cls)
    assert all(field.kw_only for field in attrs.fields(cls))
    with pytest.raises(TypeError):
        cls(*[None] * len(attrs.fields(cls)))
    instance: object = object.__new__(cls)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, attrs.fields(cls)[0].name, None)


def test_a_sim_card_page_is_the_generic_page_of_sim_cards() -> None:
    assert SimCardPage == Page[SimCard]
    meta = PageMeta(page_number=1, page_size=1, total_pages=1, total_results=1)
    page = SimCardPage(data=(SimCard(id="a"),), meta=meta)
    assert type(page) is Page
    assert page == Page(data=(SimCard(id="a"),), meta=meta)
    assert hash(page) == hash(Page(data=(SimCard(id="a"),), meta=meta))


def test_raise_for_failures_raises_the_error_from_errors() -> None:
    RegistrationResult(registered_codes=("0000000001",)).raise_for_failures()
    result = RegistrationResult(unknown=(UnsettledCode(registration_code="1", reason="timeout"),))
    with pytest.raises(errors.RegistrationError) as caught:
        result.raise_for_failures()
    assert caught.value.result is result
