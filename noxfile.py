"""Developer tasks: `nox -s tests`, `lint`, `typing`, `tests_lowest`, `docs`, `build`, `bench`."""

import shutil
import tarfile
import zipfile
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typing"]  # bench runs only when asked

PYPROJECT = nox.project.load_toml("pyproject.toml")

# The tests import the package as installed, never the checkout: pytest's importlib mode leaves
# sys.path alone, and PYTHONSAFEPATH stops a `python -m` or `-c` the tests start from putting
# its working directory first. tests/test_installed.py checks both when the second is set.
INSTALLED = {"PYTHONSAFEPATH": "1", "TELNYX_WIRELESS_ASYNC_INSTALLED": "1"}
# One worker per core (pytest-xdist); `nox -s tests -- tests/test_x.py` runs as given instead.
# loadgroup: as load, but a module marked xdist_group (the official SDK's, slow to import) runs
# on one worker only.
PARALLEL = ["-n", "auto", "--dist", "loadgroup"]
# The whole suite's coverage, against the floor in pyproject.toml ([tool.coverage.report]).
COVERAGE = ["--cov", "--cov-report=term"]


def lowest(requirement: str) -> str:
    """Pin a requirement to its floor: `aiohttp>=3.10` becomes `aiohttp==3.10`."""
    pinned = Requirement(requirement)
    floors = [spec.version for spec in pinned.specifier if spec.operator == ">="]
    if len(floors) != 1:
        raise ValueError(f"{requirement!r} needs one >= floor for tests_lowest to pin")
    pinned.specifier = SpecifierSet(f"=={floors[0]}")
    return str(pinned)


# No python= pin: the tests run on the interpreter nox itself runs on, because CI has one.
@nox.session
def tests(session: nox.Session) -> None:
    """The suite on every core, with coverage; `nox -s tests -- ARGS` runs pytest ARGS only."""
    session.install(".", *nox.project.dependency_groups(PYPROJECT, "tests", "coverage"))
    session.run("pytest", *(session.posargs or PARALLEL + COVERAGE), env=INSTALLED)


@nox.session
def tests_lowest(session: nox.Session) -> None:
    """The tests on the lowest versions pyproject.toml allows, so its floors stay true."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    floors = [lowest(r) for r in PYPROJECT["project"]["dependencies"]]
    floors += [lowest(r) for extra in extras.values() for r in extra]
    session.install(
        f".[{','.join(extras)}]", *floors, *nox.project.dependency_groups(PYPROJECT, "tests")
    )
    session.run("pytest", *(session.posargs or PARALLEL), env=INSTALLED)


@nox.session
def lint(session: nox.Session) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    session.install(".", *nox.project.dependency_groups(PYPROJECT, "typing"))
    session.run("mypy", "--strict", "telnyx_wireless_async", "tests")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: `nox -s bench` writes benchmarks/RESULTS.md; `nox -s bench -- stream.py`."""
    session.install(".[speedups]", "telnyx>=4.189,<5")
    script, *rest = session.posargs or ["compare.py", "--output", "benchmarks/RESULTS.md"]
    session.run("python", f"benchmarks/{script}", *rest)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/, warnings as errors."""
    session.install(".", *nox.project.dependency_groups(PYPROJECT, "docs"))
    session.run("mkdocs", "build", "--strict", "--clean", env={"NO_MKDOCS_2_WARNING": "1"})


# What each distribution must hold, beyond the package's modules.
WHEEL_NEEDS = ["telnyx_wireless_async/py.typed", "licenses/LICENSE"]
SDIST_NEEDS = [
    *["LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "noxfile.py", "mkdocs.yml"],
    *["telnyx_wireless_async/py.typed", "tests/conftest.py", "examples/quickstart.py"],
    *["benchmarks/compare.py", "docs/index.md"],
]


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel (from the sdist) into dist/, and check what they hold."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "build"))
    shutil.rmtree("dist", ignore_errors=True)
    session.run("python", "-m", "build")
    dist = sorted(Path("dist").iterdir())
    session.run("twine", "check", "--strict", *map(str, dist))
    (wheel,) = (path for path in dist if path.suffix == ".whl")
    (sdist,) = (path for path in dist if path.name.endswith(".tar.gz"))
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = archive.namelist()
    with tarfile.open(sdist) as archive:
        # Every member is under the sdist's top folder, telnyx_wireless_async-X.Y/.
        in_sdist = {name.partition("/")[2] for name in archive.getnames()}
    for path, names, needs in [(wheel, in_wheel, WHEEL_NEEDS), (sdist, in_sdist, SDIST_NEEDS)]:
        missing = [need for need in needs if not any(name.endswith(need) for name in names)]
        if missing:
            session.error(f"{path.name} lacks {', '.join(missing)}")
    session.log(f"{wheel.name} and {sdist.name} hold what they must")
