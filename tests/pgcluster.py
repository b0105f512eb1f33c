"""A throwaway PostgreSQL cluster for the store tests: initdb + pg_ctl in a temporary folder.

    python tests/pgcluster.py start DIR   # prints the cluster's URL (postgresql://...)
    python tests/pgcluster.py stop DIR

PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` system user
(created by Debian's package) through runuser. It listens on 127.0.0.1 on a free port, trusts
local connections and lives only in DIR.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

USER = "coupbelt"


def bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH), or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(Path(p).parent.parent.name))
    return Path(versions[-1]).parent if versions else None


def postgis_available() -> bool:
    return bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control"))


def _as_owner(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_owner(args), capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout}")


def start(folder: Path) -> str:
    """Create and start a cluster in `folder` (a new folder whose parents anyone may enter,
    e.g. under /tmp); return its URL."""
    tools = bin_dir()
    if tools is None:
        raise RuntimeError("PostgreSQL is not installed (no pg_ctl): apt-get install postgresql")
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    _run([str(tools / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
          "--no-sync"])
    _run([str(tools / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
          f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    (folder / "url").write_text(f"postgresql://{USER}@127.0.0.1:{port}/postgres")
    return (folder / "url").read_text()


def stop(folder: Path) -> None:
    tools = bin_dir()
    if tools is not None and (folder / "data").exists():
        subprocess.run(_as_owner([str(tools / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast",
                                  "-w", "stop"]), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where))
    else:
        stop(where)
