"""What the distribution promises: its version, its extras, its license, its docs links.

These read the installed metadata, so under nox (a real install from the wheel) they check
what a user gets; under an editable install they check the same metadata from pyproject.toml.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from importlib import metadata, resources
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

import telnyx_wireless_async

DISTRIBUTION = "telnyx-wireless-async"
# Found, not imported: pytest warns when a plugin it is asked to load was imported before,
# and tests/test_emulator.py loads this one in pytester runs in the same process.
PLUGIN_SPEC = importlib.util.find_spec("telnyx_wireless_async.testing.pytest_plugin")
assert PLUGIN_SPEC is not None
assert PLUGIN_SPEC.origin is not None
PLUGIN_FILE = PLUGIN_SPEC.origin
CHECKOUT = Path(__file__).resolve().parents[1]


def requirements(extra: str | None, distribution: str = DISTRIBUTION) -> set[str]:
    """The import names of a distribution's requirements: base, or `extra`'s."""
    names = set()
    for line in metadata.requires(distribution) or []:
        requirement = Requirement(line)
        if extra is None:
            wanted = requirement.marker is None
        else:
            wanted = requirement.marker is not None and requirement.marker.evaluate(
                {"extra": extra}
            )
        if wanted:
            names.add(requirement.name.lower().replace("-", "_"))
    return names


def test_version_is_the_installed_metadata() -> None:
    assert telnyx_wireless_async.__version__ == metadata.version(DISTRIBUTION)


def test_the_package_is_marked_typed() -> None:
    assert resources.files("telnyx_wireless_async").joinpath("py.typed").is_file()


def test_the_license_is_declared_and_installed() -> None:
    meta = metadata.metadata(DISTRIBUTION)
    assert meta["License-Expression"] == "MIT"
    files = metadata.files(DISTRIBUTION) or []
    licenses = [file for file in files if file.name == "LICENSE"]
    assert licenses, "no LICENSE among the installed files"
    assert "MIT License" in licenses[0].read_text()


def test_the_pytest_framework_classifier_names_a_real_plugin() -> None:
    classifiers = metadata.metadata(DISTRIBUTION).get_all("Classifier") or []
    assert "Framework :: Pytest" in classifiers
    tree = ast.parse(Path(PLUGIN_FILE).read_text(encoding="utf-8"))
    fixtures = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.decorator_list
    ]
    assert fixtures == ["telnyx_emulator_options", "telnyx_emulator", "telnyx_session"]


def _third_party_imports(module_file: str) -> set[str]:
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names - set(sys.stdlib_module_names) - {"telnyx_wireless_async"}


def test_the_testing_extra_holds_what_the_pytest_plugin_imports() -> None:
    imported = _third_party_imports(PLUGIN_FILE)
    assert imported == {"pytest", "pytest_asyncio"}
    assert requirements("testing") == imported


def test_the_emulator_needs_nothing_beyond_the_base_requirements() -> None:
    from telnyx_wireless_async.testing import _app

    # aiohttp.web comes with aiohttp, and so do the libraries aiohttp itself requires
    # (the emulator reads headers with multidict, as aiohttp does).
    base = requirements(None) | requirements(None, "aiohttp")
    testing_dir = Path(_app.__file__).parent
    for module_file in testing_dir.rglob("*.py"):
        if module_file.name == "pytest_plugin.py":
            continue
        assert _third_party_imports(str(module_file)) <= base, module_file.name


# The README and the pyproject URLs link into the published docs; each link must name a page
# the site builds. They only exist in a checkout or an sdist.
needs_checkout = pytest.mark.skipif(
    not (CHECKOUT / "mkdocs.yml").is_file(), reason="needs the checkout's docs/ and mkdocs.yml"
)


def _site_url() -> str:
    # mkdocs.yml uses no custom tags, so the safe loader reads it.
    config = yaml.safe_load((CHECKOUT / "mkdocs.yml").read_text(encoding="utf-8"))
    url: str = config["site_url"]
    return url


@needs_checkout
def test_the_docs_url_is_the_same_everywhere() -> None:
    entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    urls = dict(entry.split(", ", 1) for entry in entries)
    assert urls["Documentation"] == _site_url()
    assert urls["Changelog"] == _site_url() + "changelog/"


@needs_checkout
def test_every_docs_link_in_the_readme_names_a_page() -> None:
    site = _site_url()
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\(" + re.escape(site) + r"([^)#]*)\)", readme)
    assert len(links) >= 8
    for link in links:
        page = link.rstrip("/") or "index"
        source = CHECKOUT / "docs" / f"{page}.md"
        assert source.is_file(), f"README links to {site}{link}, but docs/{page}.md is missing"
