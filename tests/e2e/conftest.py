"""Fixtures for the browser test: the Streamlit app on a free port, and Debian's Chromium.

The app runs the way Streamlit's own e2e suite runs it (`streamlit run --server.headless true`,
poll `/_stcore/health` for "ok"), from the project root, with its folders pointed at copies in
tmp_path of the committed library and templates (BIDKIT_WORKSPACE, BIDKIT_TEMPLATES, BIDKIT_LIBRARY),
so a test never reads what the app last did to the working folders, nor writes into them.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import shipped

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
HEALTH_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so a fixture can tell whether its test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def copy_folders(tmp_path: Path) -> dict[str, Path]:
    """Copies of the committed starter templates and clause library (never the working folders,
    which the app changes when it runs on them), and an empty workspace."""
    folders = {"workspace": tmp_path / "workspace", "templates": tmp_path / "templates",
               "library": tmp_path / "clause_library"}
    folders["workspace"].mkdir()
    shutil.copytree(shipped() / "templates", folders["templates"])
    shutil.copytree(shipped() / "clause_library", folders["library"])
    return folders


@pytest.fixture
def app_folders(tmp_path: Path) -> dict[str, Path]:
    return copy_folders(tmp_path)


@contextlib.contextmanager
def running_app(request, tmp_path: Path, app_folders: dict[str, Path]):
    """`streamlit run app.py` on a free port, on `app_folders`: yields its base URL, stops it
    afterwards and prints its log when the test failed."""
    port = _free_port()
    log_path = tmp_path / "streamlit.log"
    env = {**os.environ, "BIDKIT_WORKSPACE": str(app_folders["workspace"]),
           "BIDKIT_TEMPLATES": str(app_folders["templates"]), "BIDKIT_LIBRARY": str(app_folders["library"]),
           "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while not _healthy(f"{url}/_stcore/health"):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode}:\n{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {HEALTH_TIMEOUT:.0f} s:\n"
                            f"{log_path.read_text(errors='replace')}")
            time.sleep(0.25)
        yield url
    finally:
        _stop(proc)
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            print(f"\n----- streamlit log ({log_path}) -----\n{log_path.read_text(errors='replace')}")


@pytest.fixture
def app_url(request, tmp_path: Path, app_folders: dict[str, Path]):
    with running_app(request, tmp_path, app_folders) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (no `playwright install` here)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser test needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, app_url):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                   accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(app_url)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
