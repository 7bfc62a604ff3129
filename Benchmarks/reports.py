#!/usr/bin/env python3
"""Benchmark: render the vendor review packet for a vendor with 20 integrations and the portfolio
with 10,000 integrations. Prints figures; not a test.

    python3 Benchmarks/reports.py [--binary .build/release/vendor-review] [--count 10000] [--requests 20]
"""
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Benchmarks"))
from integrations_list import bench_arguments, bench_server, percentile, seed_integrations, signed_in, timed  # noqa: E402


def main():
    args = bench_arguments(requests_default=20)
    with bench_server() as (server, api):
        big = api.post(f"{server.url}/api/v1/vendors", json={"name": "Twenty Integrations Inc", "standing": "good_standing"}, timeout=30).json()
        start = time.perf_counter()
        seed_integrations(server, api, 20, [big], name="Packet integration")
        vendors = api.get(f"{server.url}/api/v1/vendors?per_page=100", timeout=30).json()["items"]
        seed_integrations(server, api, args.count - 23, vendors)
        seeding = time.perf_counter() - start

        web = signed_in(server, "procurement@northfield.example")
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


if __name__ == "__main__":
    main()
