"""Fixtures for the end-to-end tests: the real vendor-review binary on a temporary SQLite file
(or a fresh PostgreSQL database), and headless Chromium driven by Selenium."""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("VENDOR_REVIEW_BIN", ROOT / ".build" / "debug" / "vendor-review"))
ARTIFACTS = ROOT / "Tests" / "browser" / "artifacts"
DEMO_PASSWORD = "northfield-demo-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(args, database_url, stdin=None, check=False):
    env = dict(os.environ, DATABASE_URL=database_url, BCRYPT_COST="4", LOG_LEVEL="warning", OUTBOX_DIR=tempfile.mkdtemp(prefix="vr-cli-outbox-"))
    result = subprocess.run([str(BINARY), *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed: {result.stderr}")
    return result


class Server:
    """One `vendor-review serve` process, stopped on close."""

    def __init__(self, database_url, demo=True, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(BINARY), "serve", "--port", str(self.port)] + (["--demo"] if demo else [])
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
        # Links in mail point at this server; mail goes to a throw-away outbox unless SMTP_URL is given.
        self.outbox = tempfile.mkdtemp(prefix="vr-outbox-")
        full_env = dict(os.environ, DATABASE_URL=database_url, BCRYPT_COST="4", PUBLIC_URL=self.url, OUTBOX_DIR=self.outbox,
                        REMINDER_INTERVAL_MINUTES="0")
        full_env.update(env or {})  # a test may set any of these itself (PUBLIC_URL behind a proxy)
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.output()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.close()
        raise AssertionError(f"server did not answer within 60 s:\n{self.output()}")

    def output(self):
        self.log.flush()
        return pathlib.Path(self.log.name).read_text()

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite://{tmp_path / 'vendor-review.sqlite'}"


@pytest.fixture
def postgres_url():
    admin = os.environ.get("TEST_POSTGRES_URL")
    if not admin:
        pytest.skip("TEST_POSTGRES_URL is not set")
    name = "vr_e2e_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


@pytest.fixture
def demo_server(sqlite_url):
    server = Server(sqlite_url, demo=True)
    yield server
    server.close()


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
