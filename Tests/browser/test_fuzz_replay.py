"""The fuzzers run as part of the end-to-end tests, and what they found goes to a running server.

`scripts/fuzz` runs the request-log, LTI-configuration and HECVAT-workbook fuzzers (libFuzzer,
AddressSanitizer) for a bounded time; it fails on any crash. The inputs libFuzzer kept (each reached new
code in the parsers) are then sent to the real server, as drift uploads, LTI imports and HECVAT imports,
through the API: every answer
must be a stored result or a 4xx error body, never a 5xx, and the server must still be up at the end.
"""
import json
import time
import os
import pathlib
import re
import subprocess

import requests

from conftest import ROOT, run_cli

SECONDS = os.environ.get("FUZZ_SECONDS", "30")
# At most this many kept inputs of each kind are replayed (evenly spread over the sorted corpus).
REPLAY = 150


def sample(directory):
    files = sorted(p for p in pathlib.Path(directory).iterdir() if p.is_file())
    step = max(1, len(files) // REPLAY)
    return files[::step][:REPLAY]


def test_the_fuzzers_find_nothing_and_their_inputs_do_not_hurt_the_server(demo_server, sqlite_url):
    run = subprocess.run(["scripts/fuzz", SECONDS], capture_output=True, text=True, timeout=1200, cwd=ROOT)
    assert run.returncode == 0, f"a fuzzer found a problem:\n{run.stdout[-6000:]}\n{run.stderr[-3000:]}"
    ran = dict((name, int(count)) for name, count in re.findall(r"fuzz: (\w+) ran (\d+) inputs", run.stdout))
    assert set(ran) == {"weblog", "lti", "workbook"} and all(count > 1000 for count in ran.values()), run.stdout

    token = run_cli(["token", "create", "--email", "admin@northfield.example", "--purpose", "fuzz replay", "--expires-in-days", "1"],
                    sqlite_url, check=True).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    integrations = requests.get(demo_server.url + "/api/v1/integrations?per_page=1", headers=auth, timeout=10).json()
    integration = integrations["items"][0]["id"]

    answers = {}
    jobs = []
    fuzz = ROOT / ".build" / "fuzz"
    for path in sample(fuzz / "corpus-weblog"):
        # The weblog fuzzer's first byte chooses how the input is cut into chunks; the rest is the log.
        body = path.read_bytes()[1:]
        kind = "application/gzip" if body[:2] == b"\x1f\x8b" else "application/x-ndjson" if body.lstrip()[:1] == b"{" else "text/csv"
        response = requests.post(demo_server.url + "/api/v1/drift/scans?name=fuzz.csv", headers={**auth, "Content-Type": kind},
                                 data=body, timeout=30)
        answers.setdefault(("drift", response.status_code), []).append(path.name)
        assert response.status_code in (202, 400, 413, 415, 422), (path, response.status_code, response.text[:500])
        if response.status_code == 202:
            jobs.append((path.name, response.headers["Location"]))
        else:
            assert "error" in response.json(), (path, response.text[:500])
    # Every accepted upload is scanned in the background to an end: a scan stored, or the reason it was refused.
    deadline = time.monotonic() + 180
    for name, location in jobs:
        while True:
            job = requests.get(demo_server.url + location, headers=auth, timeout=10).json()
            if job["state"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert job["state"] in ("done", "failed"), (name, job)
        assert (job["state"] == "done") == (job["scanURL"] is not None) and (job["state"] == "failed") == (job["problem"] is not None), (name, job)
        answers.setdefault(("drift job", job["state"]), []).append(name)
    for path in sample(fuzz / "corpus-lti"):
        body = path.read_bytes()
        kind = "application/xml" if body.lstrip()[:1] == b"<" else "application/json"
        response = requests.put(f"{demo_server.url}/api/v1/integrations/{integration}/lti", headers={**auth, "Content-Type": kind},
                                data=body, timeout=30)
        answers.setdefault(("lti", response.status_code), []).append(path.name)
        assert response.status_code in (201, 400, 413, 415, 422), (path, response.status_code, response.text[:500])
        if response.status_code != 201:
            assert "error" in response.json(), (path, response.text[:500])

    for path in sample(fuzz / "corpus-workbook"):
        response = requests.put(f"{demo_server.url}/api/v1/integrations/{integration}/hecvat",
                                headers={**auth, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
                                data=path.read_bytes(), timeout=30)
        answers.setdefault(("hecvat", response.status_code), []).append(path.name)
        assert response.status_code in (201, 400, 413, 415, 422), (path, response.status_code, response.text[:500])
        if response.status_code != 201:
            assert "error" in response.json(), (path, response.text[:500])

    counts = {f"{what} {status}": len(names) for (what, status), names in sorted(answers.items())}
    print("fuzz replay:", json.dumps(counts))
    assert sum(counts.values()) >= 100, counts
    assert any(key.startswith("drift 202") for key in counts) and any(key.startswith("drift 422") for key in counts), counts
    assert any(key.startswith("drift job done") for key in counts), counts
    assert demo_server.process.poll() is None
    assert requests.get(demo_server.url + "/healthz", timeout=10).status_code == 200
