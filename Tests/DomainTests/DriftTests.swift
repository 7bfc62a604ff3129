import Domain
import Foundation
import Testing

let catalogEndpoints = shippedCatalog.map(DriftTarget.Endpoint.init)

/// Quillstone reads rosters with key 170000000000001; Ledgerly is known by its service account 4242
/// and its user agent; both are checked against their own whitelists.
func driftSetup(allowIncludes: Bool = false, otherKeys: [String] = [], columns: WebLogColumns = WebLogColumns()) -> DriftSetup {
    let quillstone = DriftTarget(
        integrationID: "i-quill", name: "Quillstone roster sync",
        keys: [.init(canvasKeyID: "170000000000001", isOn: true), .init(canvasKeyID: "170000000000009", isOn: true)],
        serviceAccountUserIDs: [], userAgentPatterns: [],
        whitelist: [.init(verb: .GET, template: "/api/v1/courses/:id/users"), .init(verb: .GET, template: "/api/v1/users/:user_id/profile")],
        allowIncludes: allowIncludes)
    let ledgerly = DriftTarget(
        integrationID: "i-ledger", name: "Ledgerly grades", keys: [], serviceAccountUserIDs: ["4242"], userAgentPatterns: ["Ledgerly-Sync/"],
        whitelist: [.init(verb: .GET, template: "/api/v1/courses/:course_id/assignments"),
                    .init(verb: .PUT, template: "/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id")],
        allowIncludes: true)
    return DriftSetup(targets: [quillstone, ledgerly], catalog: catalogEndpoints, otherKnownKeys: otherKeys, columns: columns)
}

func scan(_ text: String, _ setup: DriftSetup = driftSetup(), chunk: Int? = nil, bufferSize: Int = DriftScanner.bufferSize) throws -> DriftReport {
    let scanner = DriftScanner(setup, bufferSize: bufferSize)
    let bytes = Array(text.utf8)
    if let chunk {
        var offset = 0
        while offset < bytes.count {
            try scanner.feed(Array(bytes[offset..<min(offset + chunk, bytes.count)]))
            offset += chunk
        }
    } else {
        try scanner.feed(bytes)
    }
    return try scanner.finish()
}

extension DriftReport {
    func integration(_ id: String) -> IntegrationDrift? { integrations.first { $0.integrationID == id } }
}

@Suite("Request matching for drift")
struct RequestMatcherTests {
    static let built: RequestMatcher = {
        DriftScanner.catalogMatcher(shippedCatalog.map(DriftTarget.Endpoint.init))
    }()

    func name(_ verb: HTTPVerb, _ path: String) -> String? {
        let route = Self.built.match(verb, path: path)
        return route >= 0 ? Self.built.routeNames[Int(route)] : nil
    }

    @Test(arguments: [
        ("/api/v1/courses/123/enrollments", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/10000000000008/enrollments", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/1~8/enrollments", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/sis_course_id:ABC-101/enrollments", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/sis_course_id%3AABC-101/enrollments", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/123/enrollments/", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/123//enrollments", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/123/enrollments?per_page=50&type[]=StudentEnrollment", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/123/enrollments.json", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/cour%73es/123/enrollments", "GET /api/v1/courses/:course_id/enrollments"),
        ("/api/v1/users/self/profile", "GET /api/v1/users/:user_id/profile"),
    ])
    func idsAnywhereSlashesEscapesAndSuffixesFindTheRoute(path: String, expected: String) {
        #expect(name(.GET, path) == expected)
    }

    @Test func literalsWinOverParametersAndGlobsTakeTheRest() {
        #expect(name(.GET, "/api/v1/courses/5/assignments/overrides") == "GET /api/v1/courses/:course_id/assignments/overrides")
        #expect(name(.GET, "/api/v1/courses/5/assignments/77") == "GET /api/v1/courses/:course_id/assignments/:id")
        #expect(name(.GET, "/api/v1/courses/5/folders/by_path/a/b/c")?.hasPrefix("GET /api/v1/courses/:course_id/folders/by_path") == true)
        #expect(name(.GET, "/api/v1/nothing/like/this") == nil)
        #expect(name(.DELETE, "/api/v1/courses/5/enrollments") == nil, "the method is part of the route")
        #expect(name(.GET, "/" + Array(repeating: "x", count: 40).joined(separator: "/")) == nil)
    }

    /// Differential check: on every catalog template, with ids substituted, the drift scan's matcher
    /// (built from the endpoints a scan is given) finds a route of the same shape as the endpoint
    /// checker's, so a scan and a whitelist check never disagree about a request.
    @Test func agreesWithTheWhitelistMatcherAcrossTheCatalog() {
        var checked = 0
        for entry in shippedCatalog {
            for variant in entry.template.variants {
                let path = "/" + variant.map { segment -> String in
                    switch segment {
                    case let .literal(text): text
                    case .parameter: "sis_user_id:x%2Dy"
                    case .glob: "a/b"
                    case let .prefixed(prefix, _): prefix + "x"
                    }
                }.joined(separator: "/")
                let expected = matcher.match(entry.verb, path).map { "\($0.verb.rawValue) \($0.template.text)" }
                let found = name(entry.verb, path)
                #expect(found.map(shape) == expected.map(shape), "\(entry.verb) \(path)")
                checked += 1
            }
        }
        #expect(checked >= 1000)
    }

    func shape(_ name: String) -> String {
        name.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("*") ? "_" : String($0) }.joined(separator: "/")
    }
}

@Suite("Scope drift from request logs")
struct DriftScannerTests {
    let header = "id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent\n"

    @Test func outOfScopeCallsAreCountedPerEndpointWithFirstLastAndAgents() throws {
        let log = header + """
        1,2026-11-20T10:00:00Z,501,170000000000001,GET,/api/v1/courses/12/users?per_page=100,200,QuillBot/2.1
        2,2026-11-20T10:00:05Z,501,170000000000001,GET,/api/v1/courses/12/enrollments,200,QuillBot/2.1
        3,2026-11-20T09:00:00Z,501,170000000000001,GET,/api/v1/courses/13/enrollments,200,"QuillBot/2.2 (Linux, x64)"
        4,2026-11-21T08:00:00Z,501,170000000000009,GET,/api/v1/courses/13/enrollments/,200,QuillBot/2.1
        5,2026-11-21T08:00:01Z,501,170000000000001,DELETE,/api/v1/courses/13/users/5,200,QuillBot/2.1
        6,2026-11-21T08:00:02Z,501,170000000000001,GET,/api/v1/widgets/99/gizmos/sis_user_id:abc,404,QuillBot/2.1
        7,2026-11-21T08:00:03Z,501,170000000000001,POST,/login/oauth2/token,200,QuillBot/2.1
        8,2026-11-21T08:00:04Z,501,170000000000001,OPTIONS,/api/v1/courses/12/users,204,QuillBot/2.1
        """
        let report = try scan(log)
        #expect(report.rows == 8 && report.malformed == 0 && report.ignored == 1)
        let quill = try #require(report.integration("i-quill"))
        #expect(quill.requests == 7 && quill.inScope == 1 && quill.outOfScope == 5 && quill.notAPI == 1)
        let enrollments = try #require(quill.findings.first)
        #expect(enrollments.endpoint == "/api/v1/courses/:course_id/enrollments" && enrollments.method == "GET" && enrollments.inCatalog)
        #expect(enrollments.count == 3)
        #expect(enrollments.firstSeen == "2026-11-20T09:00:00Z" && enrollments.lastSeen == "2026-11-21T08:00:00Z")
        #expect(enrollments.sampleUserAgents == ["QuillBot/2.1", "QuillBot/2.2 (Linux, x64)"])
        #expect(quill.findings.contains { $0.method == "DELETE" && $0.endpoint == "/api/v1/courses/:id/users/:id" && !$0.inCatalog })
        let unknownPath = try #require(quill.findings.first { $0.endpoint.hasPrefix("/api/v1/widgets") })
        #expect(unknownPath.endpoint == "/api/v1/widgets/:id/gizmos/:id" && unknownPath.samplePath == "/api/v1/widgets/99/gizmos/sis_user_id:abc")
        #expect(report.firstSeen == "2026-11-20T09:00:00Z" && report.lastSeen == "2026-11-21T08:00:04Z")
        #expect(report.idleKeys.isEmpty, "both Quillstone keys were used")
    }

    @Test func serviceAccountsAndUserAgentsAttributeWhenTheLogHasNoKey() throws {
        let log = header + """
        1,2026-11-20T10:00:00Z,4242,,GET,/api/v1/courses/12/assignments,200,python-requests/2.31
        2,2026-11-20T10:00:01Z,777,,GET,/api/v1/courses/12/assignments/5/submissions,200,ledgerly-sync/3.0 (+https://ledgerly.example)
        3,2026-11-20T10:00:02Z,777,\\N,PUT,/api/v1/courses/12/assignments/5/submissions/9,200,Ledgerly-Sync/3.0
        4,2026-11-20T10:00:03Z,888,null,GET,/api/v1/courses/12/users,200,Mozilla/5.0
        """
        let report = try scan(log)
        let ledger = try #require(report.integration("i-ledger"))
        #expect(ledger.requests == 3 && ledger.inScope == 2 && ledger.outOfScope == 1)
        #expect(ledger.findings.map(\.endpoint) == ["/api/v1/courses/:course_id/assignments/:assignment_id/submissions"])
        #expect(report.unattributed == 1 && report.attributed == 3)
        #expect(report.idleKeys.map(\.keyID) == ["170000000000001", "170000000000009"], "Quillstone's keys never appeared")
    }

    @Test func unknownAndInheritedKeysAreToldApart() throws {
        let log = header + """
        1,2026-11-20T10:00:00Z,1,99990000000001,GET,/api/v1/users/self,200,Canvas/Mobile
        2,2026-11-20T10:00:01Z,1,99990000000001,GET,/api/v1/users/self,200,Canvas/Mobile
        3,2026-11-20T10:00:02Z,1,555,GET,/api/v1/accounts/1/users,200,curl/8.0
        """
        let report = try scan(log, driftSetup(otherKeys: ["99990000000001"]))
        #expect(report.otherKnownKeyRequests == 2)
        #expect(report.unknownKeys == [UnknownKeyUse(keyID: "555", count: 1, firstSeen: "2026-11-20T10:00:02Z", lastSeen: "2026-11-20T10:00:02Z",
                                                     sampleUserAgents: ["curl/8.0"])])
    }

    @Test func includeParametersAreFlaggedOnlyWhenTheKeyDoesNotAllowThem() throws {
        let log = header + """
        1,2026-11-20T10:00:00Z,501,170000000000001,GET,/api/v1/courses/12/users?include[]=email&include[]=enrollments,200,QuillBot
        2,2026-11-20T10:00:01Z,501,170000000000001,GET,/api/v1/courses/12/users?include%5B%5D=avatar_url,200,QuillBot
        3,2026-11-20T10:00:02Z,501,170000000000001,GET,/api/v1/courses/12/users?per_page=10,200,QuillBot
        """
        let strict = try #require(try scan(log).integration("i-quill"))
        #expect(strict.inScope == 3 && strict.outOfScope == 0 && strict.includeFlagged == 2)
        #expect(strict.findings.map(\.kind) == [.includeNotAllowed] && strict.findings[0].count == 2)
        let lenient = try #require(try scan(log, driftSetup(allowIncludes: true)).integration("i-quill"))
        #expect(lenient.includeFlagged == 0 && lenient.findings.isEmpty)
    }

    @Test func headersComeInAnyOrderWithAliasesPrefixesBOMAndCRLF() throws {
        let log = "\u{FEFF}\"value.user_agent\",Value.URL,method,value.developer_key_id,created_at\r\n"
            + "\"Quill \"\"Bot\"\", v2\",/api/v1/courses/1/enrollments,get,170000000000001,2026-11-20 10:00:00\r\n"
            + "QuillBot,https://canvas.northfield.example/api/v1/courses/1/users,GET,170000000000001,2026-11-20 10:00:01\r\n"
        let report = try scan(log)
        let quill = try #require(report.integration("i-quill"))
        #expect(quill.inScope == 1 && quill.outOfScope == 1)
        #expect(quill.findings.first?.sampleUserAgents == ["Quill \"Bot\", v2"])
    }

    @Test func headIsReadAsGetAndOptionsIsNeverChecked() throws {
        let log = header + """
        1,2026-11-20T10:00:00Z,501,170000000000001,HEAD,/api/v1/courses/12/users,200,QuillBot
        2,2026-11-20T10:00:01Z,501,170000000000001,head,/api/v1/courses/12/sections,200,QuillBot
        3,2026-11-20T10:00:02Z,501,170000000000001,OPTIONS,/api/v1/courses/12/sections,204,QuillBot
        """
        let report = try scan(log)
        let quill = try #require(report.integration("i-quill"))
        #expect(quill.inScope == 1 && quill.outOfScope == 1 && report.ignored == 1)
        #expect(quill.findings.map(\.method) == ["GET"] && quill.findings.first?.endpoint == "/api/v1/courses/:course_id/sections")
    }

    @Test func severalFilesAddUpAndMalformedRowsNameTheirFile() throws {
        let scanner = DriftScanner(driftSetup())
        try scanner.startFile(named: "monday.csv")
        try scanner.feed(Array((header + "1,t,501,170000000000001,GET,/api/v1/courses/1/enrollments,200,Q\n2,t\n").utf8))
        try scanner.startFile(named: "tuesday.jsonl")
        try scanner.feed(Array("{\"http_method\":\"GET\",\"url\":\"/api/v1/courses/2/enrollments\",\"developer_key_id\":\"170000000000001\"}\n{oops\n".utf8))
        let report = try scanner.finish()
        #expect(report.rows == 4 && report.integration("i-quill")?.outOfScope == 2)
        #expect(report.malformedSamples == [MalformedRow(file: "monday.csv", line: 3, reason: "2 columns, the header has 8"),
                                            MalformedRow(file: "tuesday.jsonl", line: 2, reason: "not a JSON object")])
    }

    @Test func institutionsCanNameTheirOwnColumns() throws {
        let log = "when,verb,request,app_key\n2026-11-20,GET,/api/v1/courses/1/enrollments,170000000000001\n"
        #expect(throws: WebLogError.self) { try scan(log) }
        let columns = try WebLogColumns.parse(["http_method=verb", "url=request", "developer_key_id=app_key", "timestamp=when"])
        let report = try scan(log, driftSetup(columns: columns))
        #expect(report.integration("i-quill")?.outOfScope == 1)
        #expect(throws: WebLogError.badColumnOption("colour=blue")) { try WebLogColumns.parse(["colour=blue"]) }
    }

    @Test func jsonLinesWithCanvasDataShapesNullsAndEscapes() throws {
        let log = """
        {"key":{"id":"a1"},"value":{"timestamp":"2026-11-20T10:00:00Z","developer_key_id":170000000000001,"http_method":"GET","url":"\\/api\\/v1\\/courses\\/1\\/enrollments","user_agent":"Quill\\u00e9Bot \\ud83d\\ude00"},"meta":{"ts":"x","nested":[1,{"a":[true,null]}]}}
        {"timestamp":"2026-11-20T10:00:01Z","user_id":"4242","developer_key_id":null,"http_method":"PUT","url":"/api/v1/courses/1/assignments/2/submissions/3","user_agent":"x"}

        {"timestamp": "2026-11-20T10:00:02Z", "http_method": "GET", "url": 
        not json at all
        {"http_method":"GET","url":"/api/v1/courses/1/users","developer_key_id":"170000000000001"} trailing
        """
        let report = try scan(log)
        #expect(report.rows == 5 && report.malformed == 3)
        #expect(report.malformedSamples.map(\.line) == [4, 5, 6])
        let quill = try #require(report.integration("i-quill"))
        #expect(quill.outOfScope == 1 && quill.findings.first?.sampleUserAgents == ["QuilléBot 😀"])
        #expect(report.integration("i-ledger")?.inScope == 1)
    }

    @Test func malformedRowsAreCountedWithLineNumbersAndNeverStopTheScan() throws {
        let log = header + """
        1,2026-11-20T10:00:00Z,501,170000000000001,GET,/api/v1/courses/12/users,200,QuillBot
        2,2026-11-20T10:00:01Z,501
        3,2026-11-20T10:00:02Z,501,170000000000001,FROB?,/api/v1/courses/12/users,200,QuillBot
        4,2026-11-20T10:00:03Z,501,170000000000001,GET,,200,QuillBot

        5,2026-11-20T10:00:04Z,501,170000000000001,GET,/api/v1/courses/12/users,200,"multi
        line agent"
        6,2026-11-20T10:00:05Z,501,170000000000001,GET,/api/v1/courses/12/enrollments,200,QuillBot
        """
        let report = try scan(log)
        #expect(report.malformedSamples == [MalformedRow(line: 3, reason: "3 columns, the header has 8"),
                                            MalformedRow(line: 4, reason: "“FROB?” is not an HTTP method"),
                                            MalformedRow(line: 5, reason: "no url")])
        let quill = try #require(report.integration("i-quill"))
        #expect(quill.inScope == 2 && quill.outOfScope == 1, "rows after the malformed ones and the quoted line break still count")
        #expect(quill.findings.first?.firstSeen == "2026-11-20T10:00:05Z")
    }

    @Test func anUnclosedQuoteCostsOneRowNotTheRestOfTheFile() throws {
        let agent = String(repeating: "a", count: DriftScanner.maxRowLength + 10)
        let log = header + "1,t,501,170000000000001,GET,/api/v1/courses/1/users,200,\"\(agent)\n"
            + "2,t,501,170000000000001,GET,/api/v1/courses/1/enrollments,200,QuillBot\n"
        let report = try scan(log, chunk: 4096)
        #expect(report.malformed == 1 && report.malformedSamples.first?.line == 2)
        #expect(report.integration("i-quill")?.outOfScope == 1)
    }

    @Test func chunkBoundariesAnywhereGiveTheSameReport() throws {
        var log = header
        for i in 0..<300 {
            let path = i % 3 == 0 ? "/api/v1/courses/\(i)/enrollments" : "/api/v1/courses/\(i)/users?include[]=email"
            log += "\(i),2026-11-20T10:\(String(format: "%02d", i % 60)):00Z,501,170000000000001,GET,\(path),200,\"Quill, Bot \(i % 4)\"\n"
        }
        let whole = try scan(log)
        #expect(whole.rows == 300)
        for chunk in [1, 7, 64, 1000] {
            #expect(try scan(log, chunk: chunk) == whole, "chunk \(chunk)")
        }
        #expect(try scan(log, chunk: 1000, bufferSize: 4096) == whole, "a small buffer compacts often and changes nothing")
    }

    @Test func filesThatCannotBeScannedSaySoClearly() {
        #expect(throws: WebLogError.emptyFile) { try scan("") }
        #expect(throws: WebLogError.emptyFile) { try scan("\n  \n") }
        #expect(throws: WebLogError.missingColumns(["url"], found: ["timestamp", "http_method", "user_agent"])) {
            try scan("timestamp,http_method,user_agent\n")
        }
        #expect(throws: WebLogError.nothingToAttributeBy(found: ["http_method", "url"])) { try scan("http_method,url\nGET,/api/v1/x\n") }
        #expect(WebLogError.missingColumns(["url"], found: ["a"]).description.contains("no url column"))
    }

    /// A PNG (or any binary file) uploaded as a log is called what it is; its bytes never reach the message.
    @Test func binaryFilesAreNamedAsSuchAndNothingUnprintableIsEchoed() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x0A]
        let scanner = DriftScanner(driftSetup())
        do {
            try scanner.feed(png)
            _ = try scanner.finish()
            Issue.record("a PNG was scanned as a log")
        } catch let error as WebLogError {
            #expect(error.description == "the file is not a CSV or JSON Lines log: its first line is not text (an image, an archive or another binary file?)")
        }
        #expect(WebLogError.missingColumns(["url"], found: ["time\u{1B}[31m"]).description.hasPrefix("the file is not a CSV"))
        let odd = WebLogError.missingColumns(["url"], found: [String(repeating: "x", count: 50), "user\u{202E}agent"]).description
        #expect(odd.contains(String(repeating: "x", count: 40) + "…,") && odd.contains("user?agent"))
        #expect(!odd.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
    }

    @Test func boundedMemoryCapsTheDistinctUnknownKeys() throws {
        var log = header
        for i in 0..<(DriftScanner.unknownKeyLimit + 25) { log += "\(i),t,1,\(900_000 + i),GET,/api/v1/users/self,200,x\n" }
        let report = try scan(log)
        #expect(report.unknownKeys.count == DriftScanner.unknownKeyLimit && report.unknownKeysNotListed == 25)
    }

    /// Past the cap on distinct findings the list stops, the counts stay exact, and the report says so.
    @Test func aCutFindingsListIsSaidAndTheCountsStayExact() throws {
        func word(_ n: Int) -> String {
            var n = n, text = ""
            repeat { text.append(Character(Unicode.Scalar(UInt8(97 + n % 26)))); n /= 26 } while n > 0
            return text
        }
        let extra = 30
        var log = header
        for i in 0..<(DriftScanner.findingLimit + extra) { log += "\(i),t,1,170000000000001,GET,/api/v1/zz\(word(i))/things,200,x\n" }
        let report = try scan(log)
        let quill = try #require(report.integration("i-quill"))
        #expect(quill.outOfScope == DriftScanner.findingLimit + extra, "every request is counted")
        #expect(quill.findings.count == DriftScanner.findingLimit && report.findingsNotListed == extra)
        #expect(report.findingsListCut && report.findingsCutNotice?.contains("cut at 50,000 distinct findings: 30 more") == true)
        let under = try scan(header + "1,t,1,170000000000001,GET,/api/v1/zzq/things,200,x\n")
        #expect(!under.findingsListCut && under.findingsCutNotice == nil)
    }
}
