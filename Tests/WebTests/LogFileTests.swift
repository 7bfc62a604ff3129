import Domain
import Foundation
import Operations
import Testing
@testable import Web

@Suite("Reading log files")
struct LogFileTests {
    let setup = DriftSetup(
        targets: [DriftTarget(integrationID: "i", name: "Gradebook sync", keys: [.init(canvasKeyID: "170000000000001", isOn: true)],
                              serviceAccountUserIDs: [], userAgentPatterns: [], whitelist: [.init(verb: .GET, template: "/api/v1/courses/:course_id/users")],
                              allowIncludes: true)],
        catalog: [])

    func rows(_ count: Int, from start: Int) -> String {
        (start..<(start + count)).map { "\($0),2026-11-20T10:00:00Z,1,170000000000001,GET,/api/v1/courses/\($0)/\($0 % 2 == 0 ? "users" : "sections"),200,x\n" }.joined()
    }

    @Test func largeAndConcatenatedGzipFilesStreamThroughTheBuffer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vr-logs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let header = "id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent\n"
        // Larger than the 1 MiB buffer once decompressed, in two gzip members one after the other.
        let first = header + rows(20_000, from: 0)
        let second = rows(20_000, from: 20_000)
        let joined = directory.appendingPathComponent("web_logs.csv.gz")
        try Data(try gzip(Array(first.utf8)) + (try gzip(Array(second.utf8)))).write(to: joined)
        let plain = directory.appendingPathComponent("web_logs.csv")
        try Data((first + second).utf8).write(to: plain)

        var progress: [LogFile.Progress] = []
        let fromGzip = try DriftScans.scan(files: [joined.path], setup: setup) { progress.append($0) }
        let fromPlain = try DriftScans.scan(files: [plain.path], setup: setup)
        #expect(fromGzip == fromPlain)
        #expect(fromGzip.rows == 40_000 && fromGzip.integrations.first?.outOfScope == 20_000)
        #expect(progress.last?.bytesRead == progress.last?.totalBytes && progress.last?.rows == 40_000)

        let truncated = directory.appendingPathComponent("cut.csv.gz")
        let whole = try Data(contentsOf: joined)
        try whole.prefix(whole.count - 20).write(to: truncated)
        #expect(throws: LogFile.Failure.self) { try DriftScans.scan(files: [truncated.path], setup: setup) }
        let damaged = directory.appendingPathComponent("bad.csv.gz")
        var bytes = [UInt8](whole)
        for i in 20..<60 { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: damaged)
        let error = #expect(throws: LogFile.Failure.self) { try DriftScans.scan(files: [damaged.path], setup: setup) }
        #expect(error?.description.hasPrefix("bad.csv.gz: ") == true)

        // Within a smaller inflated-size limit the same file is refused, and the reason names the policy.
        let small = InflateLimit(maxBytes: 1 << 20, maxRatio: 100)
        let tooBig = #expect(throws: LogFile.Failure.self) { try DriftScans.scan(files: [joined.path], setup: setup, limit: small) }
        #expect(tooBig?.description == "web_logs.csv.gz: inflates to more than 1 MB (policy uploads.max_inflated_mb), so it was refused; split it or raise the limit")
    }

    @Test func aDecompressionBombIsRefusedEarlyWithTheReason() throws {
        // 64 MiB of newlines after a header: about 64 KB compressed, a thousand times smaller.
        let bomb = try gzip(Array("id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent\n".utf8) + [UInt8](repeating: 0x0A, count: 64 << 20))
        #expect(bomb.count < 200_000)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vr-bomb-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bomb.csv.gz")
        try Data(bomb).write(to: file)
        for scan in [{ try DriftScans.scan(files: [file.path], setup: setup) }, { try DriftScans.scan(upload: bomb, named: "bomb.csv.gz", setup: setup) }] {
            let refused = #expect(throws: LogFile.Failure.self) { _ = try scan() }
            #expect(refused?.problem.contains("inflates more than 100 times its compressed size (policy uploads.max_ratio)") == true, "\(String(describing: refused))")
        }
        // A generous ratio lets the same file through: the limit, not the reader, refused it.
        let report = try DriftScans.scan(upload: bomb, named: "bomb.csv.gz", setup: setup, limit: InflateLimit(maxBytes: 1 << 30, maxRatio: 1_100))
        #expect(report.rows == 0)
    }

    @Test func theLimitJudgesTheRatioOnlyPastItsFloor() {
        let limit = InflateLimit.standard
        #expect(limit.refusal(compressed: 1, inflated: InflateLimit.ratioFloor) == nil, "a small repetitive file passes")
        #expect(limit.refusal(compressed: 1 << 20, inflated: 100 << 20) == nil)
        #expect(limit.refusal(compressed: 1 << 20, inflated: (100 << 20) + 1)?.contains("max_ratio") == true)
        #expect(limit.refusal(compressed: 1 << 30, inflated: (2 << 30) + 1)?.contains("more than 2048 MB") == true)
    }
}
