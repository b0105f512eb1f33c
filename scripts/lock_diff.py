"""Print the installed packages whose versions differ from a lock (what scripts/latest.sh tried
beyond what CI runs), or say that there are none: python scripts/lock_diff.py requirements-dev.lock"""

from __future__ import annotations

import re
import sys
from importlib.metadata import distributions
from pathlib import Path


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(lock: str) -> int:
    pins: dict[str, set[str]] = {}  # a universal lock may pin two versions, by Python version
    for name, version in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)",
                                    Path(lock).read_text(), flags=re.M):
        pins.setdefault(canonical(name), set()).add(version)
    installed = {canonical(d.metadata["Name"]): d.version for d in distributions()}
    newer = sorted(f"{n} {'/'.join(sorted(pins[n]))} -> {installed[n]}" for n in pins
                   if n in installed and installed[n] not in pins[n])
    print(f"Against {lock}: " + ("; ".join(newer) if newer else "the locked versions are the newest"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
