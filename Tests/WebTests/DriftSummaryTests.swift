import Domain
import Foundation
import Testing
@testable import Web

@Suite("drift command output")
struct DriftSummaryTests {
    @Test func logTextNeverReachesTheTerminalAsControlCharacters() throws {
        let target = DriftTarget(integrationID: "i", name: "Roster sync", keys: [.init(canvasKeyID: "17", isOn: true)],
                                 serviceAccountUserIDs: [], userAgentPatterns: [], whitelist: [], allowIncludes: false)
        let scanner = DriftScanner(DriftSetup(targets: [target], catalog: [.init(verb: .GET, template: "/api/v1/courses/:course_id/users")]))
        let header = "id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent\n"
        // An escape sequence that would turn a terminal red and clear it, in a path and in a key id.
        let rows = "1,2026-12-01T10:00:00Z\u{1B}[2J,5,17,GET,/api/v1/courses/1/x\u{1B}[31mred,200,a\n"
            + "2,2026-12-01T10:00:01Z,5,9\u{1B}]0;title\u{07},GET,/api/v1/courses/1/users,200,a\n"
        try scanner.feed(Array((header + rows).utf8))
        let lines = DriftSummary.lines(try scanner.finish(), scanID: "s", seconds: 1)
        #expect(!lines.contains { $0.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 } }, "\(lines)")
        #expect(lines.contains { $0.contains("\\x1B[31mred") }, "shown, escaped: \(lines)")
        #expect(DriftSummary.printable("plain /api/v1/courses/:id") == "plain /api/v1/courses/:id")
        #expect(DriftSummary.printable("a\u{202E}b\u{9B}c") == "a\\u{202E}b\\x9Bc", "bidi overrides and C1 controls too")
    }
}
