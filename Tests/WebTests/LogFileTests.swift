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
    }
}
