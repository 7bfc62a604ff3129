import Domain
import Foundation
import Operations

/// Reads, interprets and scores one HECVAT workbook `runs` times; prints the median and 95th percentile per import
/// and the rate in MB of workbook per second. `Benchmarks/hecvat.py` makes the workbook and runs the reference.
func hecvatBenchmark(path: String, runs: Int) throws {
    guard let data = FileManager.default.contents(atPath: path) else { throw SpreadsheetError("cannot read \(path)") }
    let bytes = [UInt8](data)
    var times: [Double] = []
    var questions = 0
    var cells = 0
    for _ in 0..<max(1, runs) {
        var failure: (any Error)?
        times.append(seconds {
            do {
                let sheets = try WorkbookArchive.sheets(bytes)
                let workbook = try HECVATWorkbook.read(sheets)
                let score = HECVATScore(workbook, bank: .empty, policy: HECVATPolicy())
                questions = score.items.count + score.routing.count
                cells = sheets.reduce(0) { $0 + $1.cells.count }
            } catch {
                failure = error
            }
        })
        if let failure { throw failure }
    }
    let median = percentile(times, 0.5), p95 = percentile(times, 0.95)
    print(String(format: "hecvat: %d bytes, %d cells, %d questions: median %.2f ms, p95 %.2f ms per import (%.1f MB/s of workbook), %d runs",
                 bytes.count, cells, questions, median * 1000, p95 * 1000, Double(bytes.count) / median / 1e6, times.count))
}
