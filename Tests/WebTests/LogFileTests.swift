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

    @Test func anUploadInMemoryReportsItsProgressAsItIsRead() throws {
        let header = "id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent\n"
        let log = Array((header + rows(250_000, from: 0)).utf8)
        #expect(log.count > 20 << 20)
        for bytes in [log, try gzip(log)] {
            var seen: [LogFile.Progress] = []
            let report = try DriftScans.scan(upload: bytes, named: "web_logs.csv", setup: setup) { seen.append($0) }
            #expect(report.rows == 250_000)
            #expect(seen.count >= (bytes.count >> 23), "about every 8 MiB read")
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesRead < $1.bytesRead && $0.rows <= $1.rows }, "it only moves forward")
            #expect(seen.last?.bytesRead == Int64(bytes.count) && seen.last?.totalBytes == Int64(bytes.count))
        }
    }

    @Test func theFirstBytesOfAnUploadSayAtOnceWhatTheyCan() throws {
        let header = "id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent\n"
        func problem(_ bytes: [UInt8]) -> String? {
            do { try LogFile.check(bytes, named: "x", setup: setup); return nil } catch let failure as LogFile.Failure { return failure.problem } catch { return "\(error)" }
        }
        #expect(problem(Array((header + rows(10, from: 0)).utf8)) == nil)
        #expect(problem(Array("timestamp,http_method,user_agent\nx,GET,y\n".utf8))?.contains("no url column") == true)
        #expect(problem(try gzip(Array("timestamp,http_method,user_agent\nx,GET,y\n".utf8)))?.contains("no url column") == true, "inside gzip too")
        #expect(problem(Array("\n\n".utf8)) != nil)
        let small = try gzip(Array((header + rows(100, from: 0)).utf8))
        #expect(problem(Array(small.prefix(small.count / 2)))?.contains("truncated") == true, "a small file is read whole")
        #expect(problem([0x1F, 0x8B, 0x00, 0x00, 0x41, 0x42])?.contains("gzip") == true)
        // A long log is judged on its first 64 KiB: a header cut short there, or a bomb, is the scan's to find.
        let long = Array((header + rows(100_000, from: 0)).utf8)
        #expect(problem(Array(long.prefix(long.count / 2))) == nil)
        #expect(problem(try gzip(Array(header.utf8) + [UInt8](repeating: 0x0A, count: 32 << 20))) == nil)
    }

    @Test func theLimitJudgesTheRatioOnlyPastItsFloor() {
        let limit = InflateLimit.standard
        #expect(limit.refusal(compressed: 1, inflated: InflateLimit.ratioFloor) == nil, "a small repetitive file passes")
        #expect(limit.refusal(compressed: 1 << 20, inflated: 100 << 20) == nil)
        #expect(limit.refusal(compressed: 1 << 20, inflated: (100 << 20) + 1)?.contains("max_ratio") == true)
        #expect(limit.refusal(compressed: 1 << 30, inflated: (2 << 30) + 1)?.contains("more than 2048 MB") == true)
    }
}
