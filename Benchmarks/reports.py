#!/usr/bin/env python3
"""Benchmark: render the vendor review packet for a vendor with 20 integrations and the portfolio
with 10,000 integrations. Prints figures; not a test.

    python3 Benchmarks/reports.py [--binary .build/release/vendor-review] [--count 10000] [--requests 20]
"""
import argparse
import os
import pathlib
import re
import statistics
import sys
import tempfile
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "browser"))
sys.path.insert(0, str(ROOT / "Benchmarks"))
from conftest import Server, run_cli  # noqa: E402
from integrations_list import percentile, seed_integrations, timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "vendor-review"))
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    os.environ["VENDOR_REVIEW_BIN"] = args.binary
    import conftest
    conftest.BINARY = pathlib.Path(args.binary)

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite://{directory}/bench.sqlite"
        server = Server(url, demo=True, env={"LOG_LEVEL": "warning"})
        try:
            token = run_cli(["token", "create", "--email", "admin@northfield.example", "--purpose", "benchmark",
                             "--expires-in-days", "1"], url, check=True).stdout.strip()
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token}"
            big = api.post(f"{server.url}/api/v1/vendors", json={"name": "Twenty Integrations Inc", "standing": "good_standing"}, timeout=30).json()
            start = time.perf_counter()
            seed_integrations(server, api, 20, [big], name="Packet integration")
            vendors = api.get(f"{server.url}/api/v1/vendors?per_page=100", timeout=30).json()["items"]
            seed_integrations(server, api, args.count - 23, vendors)
            seeding = time.perf_counter() - start

            web = requests.Session()
            csrf = re.search(r'name="_csrf" value="([^"]+)"', web.get(f"{server.url}/login", timeout=10).text).group(1)
            web.post(f"{server.url}/login", data={"_csrf": csrf, "email": "procurement@northfield.example",
                                                  "password": "northfield-demo-2026"}, timeout=60, allow_redirects=False)
            print(f"VendorReview benchmark: reports ({pathlib.Path(args.binary).parent.name} build, SQLite)")
            print(f"  seeding {args.count - 3} integrations through the JSON API: {seeding:.1f} s")
            for label, path in [("packet, vendor with 20 integrations", f"/reports/vendors/{big['id']}"),
                                (f"portfolio, {args.count} integrations", "/reports/portfolio"),
                                (f"dashboard, {args.count} integrations", "/")]:
                timed(web, server.url + path, 2)
                durations = timed(web, server.url + path, args.requests)
                size = len(web.get(server.url + path, timeout=60).content)
                print(f"  {label:36s} p50 {percentile(durations, 0.5):8.1f} ms  p99 {percentile(durations, 0.99):8.1f} ms"
                      f"  mean {statistics.mean(durations):8.1f} ms  ({size / 1024:.0f} KiB, {args.requests} requests)")
        finally:
            server.close()


if __name__ == "__main__":
    main()
