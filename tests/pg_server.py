"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary folder, a free port.

Each pytest process (each xdist worker) starts its own on first use: initdb and start take about
a second, less than coordinating one shared server between workers would cost in complexity.
A watchdog process holds a pipe from the test process; when the pipe closes (the tests ended, or
the test process was killed), the watchdog stops the server and removes its folder, so a crashed
run leaves neither a postgres process nor a data folder behind.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "PostgreSQL is not installed: `apt-get install postgresql` to run the database tests"
REQUIRE_VARIABLE = "BIDKIT_REQUIRE_POSTGRES"
ROLE, PASSWORD = "bidkit", "bidkit-test-password"
START_TIMEOUT_SECONDS = 30
# initdb and postgres refuse to run as root; these users own the data folder instead
UNPRIVILEGED_USERS = ("postgres", "nobody")


@dataclass
class Server:
    folder: Path
    port: int
    bindir: Path
    watchdog: subprocess.Popen
    options: str = ""  # the postgres options it was started with, to start it again the same way

    def url(self, database: str = "postgres", *, user: str = ROLE, password: str = PASSWORD,
            port: int | None = None) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{port or self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and remove its folder (the watchdog does both when its pipe closes)."""
        if self.watchdog.stdin and not self.watchdog.stdin.closed:
            self.watchdog.stdin.close()
        self.watchdog.wait(timeout=60)


def bindir() -> Path | None:
    """The newest Debian PostgreSQL's bin folder, or where initdb is on PATH, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def skip_unless_installed() -> None:
    """Skip the calling test, with one line saying how to install PostgreSQL, where it is missing;
    fail it instead where BIDKIT_REQUIRE_POSTGRES=1 (CI), so that a CI run cannot pass without them."""
    import pytest

    if bindir() is None:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{INSTALL_HINT} ({REQUIRE_VARIABLE}=1 requires them)")
        pytest.skip(INSTALL_HINT)


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError(f"running as root and none of the users {UNPRIVILEGED_USERS} exists to run PostgreSQL")


def _demote(user: pwd.struct_passwd | None):
    if user is None:
        return None

    def preexec() -> None:
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    return preexec


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start() -> Server:
    """Start a server with a role that signs in with a password over TCP; RuntimeError if it cannot."""
    bins = bindir()
    if bins is None:
        raise FileNotFoundError(INSTALL_HINT)
    user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="bidkit-pg-"))
    data = folder / "data"
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    # the watchdog owns the cleanup from here on, whatever happens to this process
    watchdog = subprocess.Popen([sys.executable, __file__, "--watch", str(folder), str(bins)],
                                stdin=subprocess.PIPE, start_new_session=True)
    try:
        env = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}
        subprocess.run([bins / "initdb", "-D", data, "-U", "postgres", "-E", "UTF8", "--no-sync",
                        "--auth-local=trust", "--auth-host=scram-sha-256"],
                       preexec_fn=_demote(user), env=env, check=True, capture_output=True)
        for _ in range(5):  # another process may take the free port before postgres binds it
            port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
            started = subprocess.run([bins / "pg_ctl", "-D", data, "-o", options, "-l", folder / "log", "-w",
                                      "-t", str(START_TIMEOUT_SECONDS), "start"],
                                     preexec_fn=_demote(user), env=env, capture_output=True)
            if started.returncode == 0:
                break
        else:
            raise RuntimeError(f"PostgreSQL did not start: {(folder / 'log').read_text(errors='replace')[-2000:]}")
        server = Server(folder, port, bins, watchdog, options)
        psql(server, f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
        return server
    except BaseException:
        watchdog.stdin.close()
        watchdog.wait(timeout=60)
        raise


def kill(server: Server) -> None:
    """Stop the server as a crash would (no shutdown checkpoint; clients cut off mid-query)."""
    _pg_ctl(server, "stop", "-m", "immediate")


def restart(server: Server) -> None:
    """Start a server stopped by kill() again, on the same port, folder and options."""
    _pg_ctl(server, "start", "-o", server.options, "-l", server.folder / "log", "-t", str(START_TIMEOUT_SECONDS))


def _pg_ctl(server: Server, *args: object) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}
    subprocess.run([server.bindir / "pg_ctl", "-D", server.folder / "data", "-w", *args],
                   preexec_fn=_demote(_run_as()), env=env, check=True, capture_output=True)


def psql(server: Server, sql: str, database: str = "postgres") -> str:
    """Run SQL as the superuser over the server's socket (for what the bidkit role may not do)."""
    return subprocess.run([server.bindir / "psql", "-h", server.folder, "-p", str(server.port), "-U", "postgres",
                           "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                          preexec_fn=_demote(_run_as()), check=True, capture_output=True, text=True).stdout


def _watch(folder: Path, bins: Path) -> None:
    """Wait until the test process closes our stdin (or dies), then stop its server and remove the folder."""
    try:
        sys.stdin.buffer.read()
    finally:
        data = folder / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run([bins / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
                           preexec_fn=_demote(_run_as()), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--watch"]:
        _watch(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        began = time.monotonic()
        running = start()
        print(f"started on port {running.port} in {time.monotonic() - began:.2f} s: {running.url()}")
        began = time.monotonic()
        running.stop()
        print(f"stopped in {time.monotonic() - began:.2f} s; folder removed: {not running.folder.exists()}")
