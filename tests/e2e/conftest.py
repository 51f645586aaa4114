"""The real system for browser tests: a throwaway organisation, the relay on 127.0.0.1,
published DEMO warnings and directory, `brolly app` as a child process, and Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from app.vault.kdf import KdfParams
from server_stub.demo import (
    Organisation,
    RelayThread,
    demo_report,
    file_demo_report,
    make_organisation,
    review_and_publish,
)
from tests.e2e.driver import CHROMIUM_ARGS, VIEWPORT, PhoneDriver
from tests.sync.faults.relay_process import free_port

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # The suite needs the browser: a missing one is a failure, never a silent skip.
    assert Path(CHROMIUM).exists(), "Chromium is missing: run `make test` (it installs it)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[tuple[Organisation, RelayThread]]:
    """An organisation that has published one DEMO warning for the West Midlands."""
    base = tmp_path_factory.mktemp("org")
    org, relay = make_organisation(base, free_port(), kdf=KdfParams.insecure_fast())
    relay.start()
    file_demo_report(org, demo_report())
    review_and_publish(org)
    yield org, relay
    relay.stop()


class AppProcess:
    def __init__(self, data_dir: Path, org: Organisation) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.data_dir = data_dir
        self.log = data_dir.parent / "app.log"
        args = [sys.executable, "-m", "app.cli", "--data-dir", str(data_dir), "app",
                "--relay", org.relay_url, "--trust", str(org.trust_file),
                "--port", str(self.port)]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=log, env=env, cwd=REPO)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)


@pytest.fixture
def app_process(tmp_path: Path, organisation: tuple[Organisation, RelayThread]
                ) -> Iterator[AppProcess]:
    process = AppProcess(tmp_path / "phone", organisation[0])
    yield process
    process.stop()


@pytest.fixture
def language() -> str:
    """The language a journey is walked in; a test parametrizes it to walk it in others."""
    return "en"


@pytest.fixture
def phone(browser: Browser, app_process: AppProcess, language: str) -> Iterator[PhoneDriver]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(20_000)
    driver = PhoneDriver(page, app_process.url, language)
    driver.open()
    yield driver
    context.close()
