"""Developer tasks: `nox -s tests`, `nox -s lint`, `nox -s typing`."""

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typing"]  # bench runs only when asked

PYPROJECT = nox.project.load_toml("pyproject.toml")


# No python= pin: the tests run on the interpreter nox itself runs on, because CI has one.
@nox.session
def tests(session: nox.Session) -> None:
    session.install(".", *nox.project.dependency_groups(PYPROJECT, "tests"))
    session.run("pytest", *session.posargs)


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
