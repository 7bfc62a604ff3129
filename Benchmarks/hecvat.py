"""HECVAT import benchmark: builds a HECVAT-sized workbook (about 330 questions on 8 sheets, with guidance and
additional information, shared strings as Excel writes them), then times VendorReview's reader (ZIP, zlib, XML,
HECVAT reading and scoring; `vendor-review-bench --hecvat`) beside a reference doing less: Python's zipfile and
ElementTree parsing the same parts. Prints figures; not a test.

    swift build -c release --product vendor-review-bench && python3 Benchmarks/hecvat.py
"""
import io
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "browser"))
from xlsx import workbook  # noqa: E402  (the same writer the end-to-end tests use)
BENCH = ROOT / ".build" / "release" / "vendor-review-bench"
RUNS = 50
SECTIONS = ["GNRL", "COMP", "DOCU", "THRD", "CHNG", "APPL", "AAAI", "ITAC", "DATA", "PRGN", "AIQU", "HIPA", "PCID", "CONS"]


def build():
    routing = [[f"REQU-0{i}", f"Routing question {i}?", "Yes" if i in (1, 2, 4, 8) else "No", "", "Guidance " * 20] for i in range(1, 9)]
    sheets = [("START HERE", [["HECVAT 4.1.2 — Higher Education Community Vendor Assessment Toolkit"], ["Version", "4.1.2"]]),
              ("Required", [["ID", "Question", "Answer", "Additional Information", "Guidance"]] + routing)]
    per_sheet = 330 // 6
    for n in range(6):
        rows = [["ID", "Question", "Answer", "Additional Information", "Guidance"]]
        for q in range(per_sheet):
            section = SECTIONS[(n * per_sheet + q) % len(SECTIONS)]
            rows.append([f"{section}-{q + 1:02d}", f"Does the vendor meet control {n}.{q} described at some length for realism?",
                         ["Yes", "No", "N/A"][q % 3], f"We do this through process {q}; see policy document section {n}.{q}. " * 3,
                         "Analyst guidance text that explains what a good answer looks like. " * 4])
        sheets.append((f"Sheet {n + 1}", rows))
    return workbook(sheets)


def reference(data):
    """zipfile + ElementTree over the same parts: no limits, no HECVAT reading, no scoring."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            cells = 0
            for name in z.namelist():
                if name.startswith("xl/") and name.endswith(".xml"):
                    cells += sum(1 for _ in ET.fromstring(z.read(name)).iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"))
        times.append(time.perf_counter() - start)
    return statistics.median(times), cells


def main():
    if not BENCH.exists():
        sys.exit(f"build it first: swift build -c release --product vendor-review-bench ({BENCH} is missing)")
    data = build()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(data)
        file.flush()
        ours = subprocess.run([str(BENCH), "--hecvat", file.name, "--runs", str(RUNS)], capture_output=True, text=True, check=True).stdout.strip()
    median, cells = reference(data)
    print(ours)
    print(f"reference (Python zipfile + ElementTree, {cells} cells, no checks): median {median * 1000:.2f} ms per workbook, {RUNS} runs")


if __name__ == "__main__":
    main()
