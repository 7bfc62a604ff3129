import Domain
import Foundation
import Operations
import Web

// Scope-drift benchmark, in two steps that scripts/bench-drift runs as separate processes so each
// one's peak memory is its own:
//   vendor-review-bench --drift-generate DIR --rows N   a realistic web_logs.csv and the setup
//   vendor-review-bench --drift-scan DIR                 our scan of DIR/web_logs.csv, figures as JSON

/// What the generator decided, written for the scan (setup.json) and for DuckDB (CSV tables).
struct BenchSetup: Codable {
    struct Target: Codable {
        let id: String
        let name: String
        let keys: [String]
        let serviceAccounts: [String]
        let userAgentPatterns: [String]
        let whitelist: [[String]]
        let allowIncludes: Bool
    }
    let targets: [Target]
    let inheritedKeys: [String]
}

func loadCatalog() -> [CatalogEntry] {
    guard let text = try? String(contentsOfFile: "data/canvas/endpoints.txt", encoding: .utf8),
          let entries = try? EndpointCatalog.parse(text, file: "endpoints.txt") else {
        print("run from the repository root: cannot read data/canvas/endpoints.txt")
        exit(1)
    }
    return entries
}

/// `^(…|…)/?$` for DuckDB: literals escaped, `:params` one segment, globs the rest; `.json` optional.
func regex(_ template: RouteTemplate) -> String {
    let variants = template.variants.map { variant in
        variant.map { segment -> String in
            switch segment {
            case let .literal(text): "/" + NSRegularExpression.escapedPattern(for: text)
            case .parameter: "/[^/]+"
            case .glob: "/.+"
            case let .prefixed(prefix, _): "/" + NSRegularExpression.escapedPattern(for: prefix) + "[^/]+"
            }
        }.joined()
    }
    return "^(" + variants.joined(separator: "|") + ")(\\.json)?/?$"
}

/// Whether some request path could match both `a` and `b` while their shapes differ: then which one
/// answers depends on the matching rule (definition order), which the DuckDB reference does not model,
/// so the benchmark leaves such endpoints out of whitelists.
func shadows(_ a: CatalogEntry, _ b: CatalogEntry) -> Bool {
    guard a.verb == b.verb, a.template != b.template else { return false }
    for va in a.template.variants {
        for vb in b.template.variants where va.count == vb.count {
            var compatible = true
            var differs = false
            for (x, y) in zip(va, vb) {
                switch (x, y) {
                case let (.literal(l), .literal(r)): if l != r { compatible = false }
                case (.literal, _), (_, .literal): differs = true
                default: break
                }
                if !compatible { break }
            }
            if compatible && differs { return true }
        }
    }
    return false
}

/// A concrete path for a template: numeric, global, sharded and SIS ids; sometimes a trailing slash,
/// `.json`, or a query string with include[].
func benchPath(_ template: RouteTemplate, _ rng: inout SeededGenerator) -> String {
    let variant = template.variants.randomElement(using: &rng)!
    var path = ""
    for segment in variant {
        switch segment {
        case let .literal(text): path += "/" + text
        case .parameter:
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: path += "/\(Int.random(in: 1...99_999, using: &rng))"
            case 1: path += "/10000000\(Int.random(in: 100_000...999_999, using: &rng))"
            case 2: path += "/1~\(Int.random(in: 1...999, using: &rng))"
            default: path += "/sis_course_id:ABC-\(Int.random(in: 100...999, using: &rng))"
            }
        case .glob: path += "/week-\(Int.random(in: 1...15, using: &rng))"
        case let .prefixed(prefix, _): path += "/\(prefix)x\(Int.random(in: 1...9, using: &rng))"
        }
    }
    switch Int.random(in: 0..<10, using: &rng) {
    case 0: path += "?per_page=100&include[]=email"
    case 1: path += "/"
    case 2: path += ".json"
    case 3: path += "?page=2"
    default: break
    }
    return path
}

func driftGenerate(directory: String, rows: Int) throws {
    let catalog = loadCatalog().filter { $0.template.text.hasPrefix("/api/v1/") && !$0.template.text.contains("*") }
    var rng = SeededGenerator(seed: 2026_11_23)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

    // 40 integrations with 3–15 endpoints each; 10 also use a service account, 5 send their own user agent.
    // Whitelists use only templates whose parameters never shadow another route's literal segment
    // (`/assignments/:id` against `/assignments/overrides`): Canvas, and our scan, route those to the
    // literal, while the regular expressions DuckDB gets would not, and the counts must compare.
    let candidates = catalog.filter { template in !catalog.contains { shadows(template, $0) } }
    var targets: [BenchSetup.Target] = []
    var whitelists: [[CatalogEntry]] = []
    for i in 0..<40 {
        let endpoints = Array(candidates.shuffled(using: &rng).prefix(Int.random(in: 3...15, using: &rng)))
        whitelists.append(endpoints)
        targets.append(.init(id: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", i + 1))!.uuidString.lowercased(), name: "Integration \(i + 1)",
                             keys: ["1700000000\(String(format: "%05d", i + 1))"], serviceAccounts: i < 10 ? ["\(900_000 + i)"] : [],
                             userAgentPatterns: (10..<15).contains(i) ? ["VendorSync-\(i)/"] : [],
                             whitelist: endpoints.map { [$0.verb.rawValue, $0.template.text] }, allowIncludes: i % 4 == 0))
    }
    let inherited = (1...5).map { "99990000000000\($0)" }
    let unknown = (1...20).map { "55500000000\(String(format: "%03d", $0))" }
    let setup = BenchSetup(targets: targets, inheritedKeys: inherited)
    try JSONEncoder().encode(setup).write(to: URL(fileURLWithPath: directory + "/setup.json"))

    // Tables for DuckDB.
    var keys = "key_id,integration\n", accounts = "user_id,integration\n", agents = "pattern,integration\n", allowed = "integration,method,pattern\n"
    var includes = "integration,allow_includes\n"
    var templates = Set<String>()
    for (index, target) in targets.enumerated() {
        for key in target.keys { keys += "\(key),\(index)\n" }
        for account in target.serviceAccounts { accounts += "\(account),\(index)\n" }
        for pattern in target.userAgentPatterns { agents += "\(pattern.lowercased()),\(index)\n" }
        includes += "\(index),\(target.allowIncludes)\n"
        for entry in whitelists[index] {
            allowed += "\(index),\(entry.verb.rawValue),\"\(regex(entry.template).replacingOccurrences(of: "\"", with: "\"\""))\"\n"
            templates.insert(entry.template.text)
        }
    }
    for (name, text) in [("keys", keys), ("accounts", accounts), ("agents", agents), ("allowed", allowed), ("includes", includes)] {
        try text.write(toFile: "\(directory)/\(name).csv", atomically: true, encoding: .utf8)
    }

    let browsers = [
        "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\"",
        "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15\"",
        "\"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\"",
        "candroid/7.12.0 (Android 14; Pixel 8)", "iCanvas/7.10 (iPhone; iOS 18.1)",
    ]
    let pages = ["/courses/%d", "/courses/%d/assignments", "/courses/%d/modules", "/", "/calendar", "/conversations", "/courses/%d/grades"]
    let browserAPI = catalog.filter { $0.verb == .GET }
    let handle = FileHandle(forWritingAtPath: directory + "/web_logs.csv") ?? {
        _ = FileManager.default.createFile(atPath: directory + "/web_logs.csv", contents: nil)
        return FileHandle(forWritingAtPath: directory + "/web_logs.csv")!
    }()
    try handle.truncate(atOffset: 0)
    var out = "id,timestamp,user_id,real_user_id,course_id,url,http_method,http_status,remote_ip,user_agent,interaction_micros,web_application_controller,web_application_action,developer_key_id\n"
    var start = Date(timeIntervalSince1970: 1_795_132_800) // 2026-11-20T00:00:00Z
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    var stamp = formatter.string(from: start)
    for row in 0..<rows {
        if row % 50 == 0 {
            start += 0.86
            stamp = formatter.string(from: start)
        }
        let roll = Int.random(in: 0..<1000, using: &rng)
        var user = "\(Int.random(in: 1...200_000, using: &rng))"
        var key = ""
        var agent = browsers[Int.random(in: 0..<browsers.count, using: &rng)]
        var entry: CatalogEntry
        var url: String
        if roll < 550 {
            // People in the browser or the mobile apps: pages and the API without a developer key.
            if Int.random(in: 0..<3, using: &rng) == 0 {
                url = String(format: pages[Int.random(in: 0..<pages.count, using: &rng)], Int.random(in: 1...9999, using: &rng))
                entry = browserAPI[0]
            } else {
                entry = browserAPI[Int.random(in: 0..<browserAPI.count, using: &rng)]
                url = benchPath(entry.template, &rng)
            }
        } else {
            let target = Int.random(in: 0..<40, using: &rng)
            entry = Int.random(in: 0..<100, using: &rng) < 97 ? whitelists[target].randomElement(using: &rng)! : catalog.randomElement(using: &rng)!
            url = benchPath(entry.template, &rng)
            agent = "VendorSync-\(target)/2.\(Int.random(in: 0...4, using: &rng)) (+https://vendor\(target).example)"
            if roll < 900 {
                key = targets[target].keys[0]
            } else if roll < 960 {
                let withAccount = Int.random(in: 0..<10, using: &rng)
                user = targets[withAccount].serviceAccounts[0]
                agent = "python-requests/2.32"
                entry = Int.random(in: 0..<100, using: &rng) < 95 ? whitelists[withAccount].randomElement(using: &rng)! : catalog.randomElement(using: &rng)!
                url = benchPath(entry.template, &rng)
            } else if roll < 980 {
                // Only the user agent tells these apart (integrations 10–14).
                let byAgent = Int.random(in: 10..<15, using: &rng)
                agent = "VendorSync-\(byAgent)/3.0"
                entry = whitelists[byAgent].randomElement(using: &rng)!
                url = benchPath(entry.template, &rng)
            } else if roll < 995 {
                key = unknown[Int.random(in: 0..<unknown.count, using: &rng)]
                agent = "curl/8.4.0"
            } else {
                key = inherited[Int.random(in: 0..<inherited.count, using: &rng)]
                agent = "iCanvas/7.10 (iPhone; iOS 18.1)"
            }
        }
        let method = url.hasPrefix("/api/") ? entry.verb.rawValue : "GET"
        if row % 100_000 == 99_999 {
            out += "\(row + 1),\(stamp),\(user)\n" // a truncated row
        } else {
            out += "\(row + 1),\(stamp),\(user),,\(Int.random(in: 1...9999, using: &rng)),\(url),\(method),200,10.\(row % 250).\(row % 199).\(row % 97),\(agent),\(Int.random(in: 900...250_000, using: &rng)),api,index,\(key)\n"
        }
        if out.utf8.count > 4 << 20 {
            handle.write(Data(out.utf8))
            out = ""
        }
    }
    handle.write(Data(out.utf8))
    try handle.close()
    print("generated \(rows) rows in \(directory)/web_logs.csv")
}

func driftScan(directory: String) throws {
    let setup = try JSONDecoder().decode(BenchSetup.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/setup.json")))
    let catalog = loadCatalog()
    let started = DispatchTime.now().uptimeNanoseconds
    let targets = setup.targets.map { t in
        DriftTarget(integrationID: t.id, name: t.name, keys: t.keys.map { .init(canvasKeyID: $0, isOn: true) }, serviceAccountUserIDs: t.serviceAccounts,
                    userAgentPatterns: t.userAgentPatterns,
                    whitelist: t.whitelist.compactMap { pair in HTTPVerb(rawValue: pair[0]).map { DriftTarget.Endpoint(verb: $0, template: pair[1]) } },
                    allowIncludes: t.allowIncludes)
    }
    let driftSetup = DriftSetup(targets: targets, catalog: catalog.map { .init(verb: $0.verb, template: $0.template.text) }, otherKnownKeys: setup.inheritedKeys)
    let report = try DriftScans.scan(files: [directory + "/web_logs.csv"], setup: driftSetup)
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let perIntegration = report.integrations.sorted { $0.integrationID < $1.integrationID }.map { [$0.integrationID, String($0.outOfScope), String($0.includeFlagged)] }
    let figures: [String: Any] = [
        "rows": report.rows, "seconds": elapsed, "malformed": report.malformed, "attributed": report.attributed,
        "outOfScope": report.outOfScopeTotal, "includeFlagged": report.integrations.reduce(0) { $0 + $1.includeFlagged },
        "findings": report.findingCount, "unknownKeys": report.unknownKeys.count, "perIntegration": perIntegration,
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
}
