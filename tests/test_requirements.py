"""Every package the code imports is declared, and the locks CI installs match the ranges."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

APP = ["geo", "app", "pages", "dashboard.py"]  # what `streamlit run dashboard.py` runs
TOOLS = ["tests", "scripts", "bench"]
OURS = {"geo", "app", "pages", "dashboard", "tests", "scripts", "bench"}


def imported(folders: list[str]) -> dict[str, set[str]]:
    """The distributions the Python files under `folders` import, each with a file that does."""
    ours = OURS | {p.stem for p in (ROOT / "tests").glob("*.py")}
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for folder in folders:
        path = ROOT / folder
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in sys.stdlib_module_names or top in ours:
                        continue
                    for dist in owners.get(top, [f"<no installed distribution has {top}>"]):
                        found.setdefault(canonicalize_name(dist), set()).add(
                            str(file.relative_to(ROOT)))
    return found


def declared(name: str) -> dict[str, Requirement]:
    """The requirements a requirements file declares (following -r), by canonical name."""
    out: dict[str, Requirement] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            out.update(declared(line[3:].strip()))
        elif line:
            requirement = Requirement(line)
            out[canonicalize_name(requirement.name)] = requirement
    return out


def locked(name: str) -> dict[str, set[str]]:
    """The exact versions a lock file pins, by canonical name (a universal lock may pin two, for
    different Python versions: numpy's newest needs a newer Python than 3.11)."""
    pins: dict[str, set[str]] = {}
    for n, v in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)",
                           (ROOT / name).read_text(), flags=re.M):
        pins.setdefault(canonicalize_name(n), set()).add(v)
    return pins


def test_every_package_the_dashboard_imports_is_declared():
    missing = {d: sorted(files)[:3] for d, files in imported(APP).items()
               if d not in declared("requirements.txt")}
    assert missing == {}, f"imported but not in requirements.txt: {missing}"


def test_every_package_the_tests_and_scripts_import_is_declared():
    missing = {d: sorted(files)[:3] for d, files in imported(TOOLS).items()
               if d not in declared("requirements-dev.txt")}
    assert missing == {}, f"imported but not in requirements-dev.txt: {missing}"


def test_every_range_has_a_floor_and_a_ceiling():
    loose = [str(r) for name in ("requirements.txt", "requirements-dev.txt")
             for r in declared(name).values()
             if not any(s.operator == ">=" for s in r.specifier)
             or not any(s.operator == "<" for s in r.specifier)]
    assert loose == []


def test_the_locks_pin_every_declared_package_within_its_range():
    for source, lock in (("requirements.txt", "requirements.lock"),
                         ("requirements-dev.txt", "requirements-dev.lock")):
        pins = locked(lock)
        wrong = {n: (str(r.specifier), pins.get(n)) for n, r in declared(source).items()
                 if not pins.get(n) or not all(r.specifier.contains(v, prereleases=True)
                                               for v in pins[n])}
        assert wrong == {}, f"{lock} is stale against {source} (./scripts/lock.sh): {wrong}"
    app, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    assert {n: (v, dev.get(n)) for n, v in app.items() if dev.get(n) != v} == {}, \
        "the two locks disagree on a shared package: compile them together (./scripts/lock.sh)"


def test_the_locks_hash_every_file():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().split("\n", 2)[2])
        unhashed = [e.split()[0] for e in entries if e.strip() and "--hash=sha256:" not in e]
        assert unhashed == [], lock
