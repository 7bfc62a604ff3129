#!/usr/bin/env python3
"""Benchmark: render the integrations list with 10,000 integrations. Prints figures; not a test.

    python3 Benchmarks/integrations_list.py [--binary .build/release/vendor-review] [--count 10000] [--requests 200]

Starts the app on a temporary SQLite file with demo data, creates the integrations through the
JSON API (so every one is validated and audited as in real use), then times pages of the web list
and the JSON list over repeated requests on loopback.
"""
import argparse
import contextlib
import os
import pathlib
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "browser"))
from conftest import Server, run_cli  # noqa: E402  (reuses the test harness's server runner)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * p))]


def timed(session, url, count):
    durations = []
    for _ in range(count):
        start = time.perf_counter()
        response = session.get(url, timeout=30)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return durations


KINDS = ["lti_1_3", "lti_1_1", "api_developer_key", "user_access_token", "canvas_data_export_key"]


def seed_integrations(server, api, count, vendors, name="Integration"):
    """Creates `count` integrations through the JSON API with 4 clients, spread over `vendors`."""
    def create(i):
        body = {"vendorID": vendors[i % len(vendors)]["id"], "name": f"{name} {i:05d}", "kind": KINDS[i % len(KINDS)],
                "installLevel": "course", "purpose": "Benchmark integration", "classification": "restricted"}
        response = api.post(f"{server.url}/api/v1/integrations", json=body, timeout=60)
        assert response.status_code == 201, response.text

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(create, range(count)))


def bench_arguments(requests_default):
    """--binary, --count and --requests; points the test harness at the chosen binary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "vendor-review"))
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=requests_default)
    args = parser.parse_args()
    os.environ["VENDOR_REVIEW_BIN"] = args.binary
    import conftest
    conftest.BINARY = pathlib.Path(args.binary)
    return args


@contextlib.contextmanager
def bench_server():
    """The app with demo data on a temporary SQLite file, and an API session with an admin token."""
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite://{directory}/bench.sqlite"
        server = Server(url, demo=True, env={"LOG_LEVEL": "warning"})
        try:
            token = run_cli(["token", "create", "--email", "admin@northfield.example", "--purpose", "benchmark",
                             "--expires-in-days", "1"], url, check=True).stdout.strip()
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token}"
            yield server, api
        finally:
            server.close()


def signed_in(server, email):
    """A web session signed in as a demo account (the sign-in's redirect is not followed)."""
    web = requests.Session()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', web.get(f"{server.url}/login", timeout=10).text).group(1)
    web.post(f"{server.url}/login", data={"_csrf": csrf, "email": email, "password": "northfield-demo-2026"}, timeout=60,
             allow_redirects=False)
    return web


def main():
    args = bench_arguments(requests_default=200)
    with bench_server() as (server, api):
        vendors = api.get(f"{server.url}/api/v1/vendors?per_page=100", timeout=30).json()["items"]
        start = time.perf_counter()
        seed_integrations(server, api, args.count, vendors)
        seeding = time.perf_counter() - start

        web = signed_in(server, "admin@northfield.example")
        cases = [
            ("web list, page 1", web, "/integrations"),
            ("web list, page 200", web, "/integrations?page=200"),
            ("web list, search + filters", web, "/integrations?q=integration%2001&status=draft&kind=lti_1_3"),
            ("JSON list, 100 per page", api, "/api/v1/integrations?per_page=100&page=50"),
        ]
        print(f"VendorReview benchmark: integrations list with {args.count} integrations ({pathlib.Path(args.binary).parent.name} build, SQLite)")
        print(f"  seeding through the JSON API: {seeding:.1f} s ({args.count / seeding:.0f} creates/s, 4 clients)")
        for label, session, path in cases:
            timed(session, server.url + path, 5)  # warm up
            durations = timed(session, server.url + path, args.requests)
            print(f"  {label:28s} p50 {percentile(durations, 0.5):6.2f} ms  p99 {percentile(durations, 0.99):6.2f} ms"
                  f"  mean {statistics.mean(durations):6.2f} ms  over {args.requests} requests")


if __name__ == "__main__":
    main()
