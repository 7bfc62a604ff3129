"""The JSON API against its own OpenAPI file, with schemathesis (property-based requests from the spec).

Every response must be documented (status code, content type, body schema), no request may produce a
5xx, an undeclared method must get 405 with Allow, every request the file allows must be accepted and
every one it forbids refused, and the server must still be up at the end. The
number of examples is bounded so the run takes about a minute; the seed is fixed so a failure repeats.
"""
import re
import subprocess
import sys

import requests

from conftest import ROOT, run_cli

# The checks, and the few operations whose rules reach beyond what one request's schema can state (each
# with its reason), are in schemathesis.toml beside this file.
CONFIG = ROOT / "Tests" / "browser" / "schemathesis.toml"


def test_the_api_agrees_with_its_openapi_file(demo_server, sqlite_url, tmp_path):
    token = run_cli(["token", "create", "--email", "admin@northfield.example", "--purpose", "schemathesis", "--expires-in-days", "1"],
                    sqlite_url, check=True).stdout.strip()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run", str(ROOT / "data" / "openapi.yaml"), "--url", demo_server.url,
         "-H", f"Authorization: Bearer {token}", "--max-examples", "15", "--seed", "16",
         "--phases", "examples,coverage,fuzzing", "--workers", "2", "--no-color", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=900, cwd=ROOT)
    summary = run.stdout[run.stdout.rfind("SUMMARY"):] if "SUMMARY" in run.stdout else run.stdout[-4000:]
    assert run.returncode == 0, f"schemathesis found problems:\n{run.stdout[-12000:]}\n{run.stderr[-2000:]}"
    tested = re.search(r"Tested: (\d+)", summary)
    assert tested and int(tested.group(1)) >= 50, f"schemathesis tested too few operations:\n{summary}"
    # Nothing it sent ended the process.
    assert demo_server.process.poll() is None
    assert requests.get(demo_server.url + "/healthz", timeout=10).status_code == 200
