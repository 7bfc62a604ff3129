import Domain
import Foundation
import Testing

/// The shipped catalog as generated from Canvas's route table, and matching in Canvas's order.
@Suite("Catalog from Canvas's route table")
struct CanvasRouteTableTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static var catalogText: String {
        (try? String(contentsOf: root.appendingPathComponent("data/canvas/endpoints.txt"), encoding: .utf8)) ?? ""
    }

    @Test func theCatalogIsStampedWithTheCanvasCommitItCameFrom() throws {
        let commit = try #require(EndpointCatalog.canvasCommit(in: Self.catalogText))
        #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit), "\(commit)")
        let routes = try String(contentsOf: Self.root.appendingPathComponent("data/canvas/routes.tsv"), encoding: .utf8)
        #expect(routes.contains("# canvas-commit: \(commit)"), "the catalog and the route facts come from one commit")
    }

    @Test func theCatalogIsSortedAndUnique() {
        let verbs = HTTPVerb.allCases
        let keys = shippedCatalog.map { ($0.template.text, verbs.firstIndex(of: $0.verb)!) }
        #expect(keys.count > 1300)
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }, "sorted by path, then method, with no line twice")
        #expect(Set(shippedCatalog.map(\.order)).count == shippedCatalog.count, "each entry has its own place in the route order")
    }

    /// The generator, run again on the committed facts and annotations, makes exactly the committed
    /// catalog: nobody edited it by hand, and nobody changed an input without regenerating.
    @Test func theCatalogIsWhatTheGeneratorMakes() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("scripts/canvas-routes").path, "generate", "--check"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
    }

    @Test func everyTableRouteIsInTheCatalogWithCanvasOwnText() throws {
        let routes = try String(contentsOf: Self.root.appendingPathComponent("data/canvas/routes.tsv"), encoding: .utf8)
        let keys = Set(shippedCatalog.map(\.key))
        var tableRoutes = 0
        for line in routes.split(separator: "\n") where line.first?.isNumber == true {
            let fields = line.split(separator: "\t")
            guard HTTPVerb(rawValue: String(fields[1])) != nil else { continue }
            tableRoutes += 1
            #expect(keys.contains("\(fields[1]) \(fields[2])"), "missing \(fields[1]) \(fields[2])")
        }
        #expect(tableRoutes > 1300)
    }

    @Test(arguments: [
        "url:GET|/api/v1/group_categories/:group_categorie_id",
        "url:GET|/api/v1/courses/:id/late_policy",
        "url:PATCH|/api/v1/courses/:id/late_policy",
        "url:GET|/api/v1/users/:user_id/profile",
        "url:GET|/api/v1/users/:user_id/custom_data(/*scope)",
        "url:POST|/api/v1/accounts/:current_account_id/lti_registrations/:registration_id/controls",
        "url:GET|/api/sis/courses/:course_id/assignments",
    ])
    func scopeStringsAreExactlyCanvas(scope: String) {
        #expect(shippedCatalog.contains { $0.scope == scope }, "\(scope)")
    }

    @Test func lTIServicesAreMatchedAndClassifiedButNeverURLScopes() throws {
        let lineItems = try #require(matcher.match(.POST, "/api/lti/courses/3/line_items/9/scores"))
        #expect(lineItems.template.text == "/api/lti/courses/:course_id/line_items/:line_item_id/scores")
        #expect(!lineItems.isURLScopable)
        #expect(ScopeExport.scopeLines([lineItems]).isEmpty)
        #expect(shippedCatalog.filter { $0.template.text.hasPrefix("/api/lti/") }.count > 90)
    }

    /// Where Canvas's definition order and "literal before parameter" disagree, Canvas's order wins.
    @Test(arguments: [
        // Drawn before `…/new`, so Canvas answers `new` with the `:id` route: the later one is unreachable.
        ("/api/v1/accounts/1/temporary_enrollment_pairings/new", "/api/v1/accounts/:account_id/temporary_enrollment_pairings/:id"),
        ("/api/v1/courses/1/files/file_ref/date_details", "/api/v1/courses/:course_id/files/:attachment_id/date_details"),
        ("/api/v1/accounts/1/lti_registrations/by_utid/history", "/api/v1/accounts/:account_id/lti_registrations/:id/history"),
        ("/api/v1/courses/1/rubrics/upload/used_locations", "/api/v1/courses/:course_id/rubrics/:id/used_locations"),
        // …and where they agree, nothing changes.
        ("/api/v1/courses/1/rubrics/upload/7", "/api/v1/courses/:course_id/rubrics/upload/:id"),
        ("/api/v1/courses/1/files/file_ref/m-9", "/api/v1/courses/:course_id/files/file_ref/:migration_id"),
        ("/api/v1/courses/1/ai_experiences/new", "/api/v1/courses/:course_id/ai_experiences/new"),
    ])
    func definitionOrderDecides(path: String, expected: String) {
        #expect(template(.GET, path) == expected)
    }

    @Test func theDriftScanMatchesInTheSameOrder() {
        let scan = DriftScanner.catalogMatcher(shippedCatalog.map(DriftTarget.Endpoint.init))
        for path in ["/api/v1/accounts/1/temporary_enrollment_pairings/new", "/api/v1/courses/1/rubrics/upload/used_locations",
                     "/api/v1/jobs2/clusters", "/api/v1/jobs2/failed"] {
            let route = scan.match(.GET, path: path)
            #expect(route >= 0 && scan.routeNames[Int(route)] == "GET " + (template(.GET, path) ?? "-"), "\(path)")
        }
    }

    @Test func constraintsTheTableStatesAreHonoured() {
        #expect(template(.GET, "/api/v1/jobs2/running") == "/api/v1/jobs2/:bucket")
        #expect(template(.GET, "/api/v1/jobs2/clusters") == "/api/v1/jobs2/clusters", "clusters is no bucket, so the later route answers")
        #expect(template(.GET, "/api/v1/jobs2/42") == "/api/v1/jobs2/:id")
        #expect(template(.GET, "/api/v1/jobs2/elsewhere") == nil, "neither a bucket nor a number")
        #expect(template(.GET, "/api/v1/jobs2/queued/by_strand/search") == "/api/v1/jobs2/:bucket/by_:group/search")
        #expect(template(.GET, "/api/v1/jobs2/queued/strand") == nil, "by_:group needs its literal start")
    }

    @Test func aPathWithOtherParameterNamesNormalisesToCanvasText() throws {
        let checked = checker.check(method: "GET", path: "/api/v1/courses/:course_id/late_policy")
        guard case let .known(entry) = checked else { Issue.record("\(checked)"); return }
        #expect(entry.template.text == "/api/v1/courses/:id/late_policy")
        #expect(EndpointChecker.namesParametersDifferently("/api/v1/courses/:course_id/late_policy", from: entry))
        #expect(!EndpointChecker.namesParametersDifferently("/api/v1/courses/:id/late_policy", from: entry))
        #expect(!EndpointChecker.namesParametersDifferently("/api/v1/courses/12/late_policy", from: entry))
        let saved = try Whitelist.resolve([EndpointDeclaration(method: "GET", path: "/api/v1/group_categories/{id}", justification: "sets")],
                                          checker: checker)
        #expect(saved.map(\.scope) == ["url:GET|/api/v1/group_categories/:group_categorie_id"])
        let declarations = [EndpointDeclaration(method: "GET", path: "/api/v1/courses/:course_id/late_policy", justification: "a"),
                            EndpointDeclaration(method: "GET", path: "/api/v1/courses/12/users", justification: "b")]
        #expect(Whitelist.renamedCount(declarations, saved: try Whitelist.resolve(declarations, checker: checker)) == 1)
    }

    /// A version saved before the catalog knew Canvas's parameter names exports Canvas's strings now.
    @Test func anOlderWhitelistExportsCanvasStrings() {
        let saved = WhitelistVersion(number: 3, entries: [
            WhitelistEntry(verb: .GET, template: "/api/v1/users/:id/profile", justification: "names", group: "Users", kinds: [.userPII]),
            WhitelistEntry(verb: .PUT, template: "/api/v1/courses/:course_id/late_policy", justification: "nope", group: "Courses", kinds: [.grades]),
            WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/enrollments", justification: "roster", group: "Enrollments", kinds: [.roster]),
        ], createdAt: Date(timeIntervalSince1970: 0), createdBy: "admin")
        let exported = saved.inCanvasText(matcher)
        #expect(exported.scopeLines == [
            "url:GET|/api/v1/courses/:course_id/enrollments",
            "url:PUT|/api/v1/courses/:course_id/late_policy",
            "url:GET|/api/v1/users/:user_id/profile",
        ], "PUT late_policy is no Canvas route (it is PATCH), so it stays as saved")
        #expect(exported.entries.map(\.justification) == ["names", "nope", "roster"])
        #expect(exported.number == 3 && saved.entries[0].template == "/api/v1/users/:id/profile", "the saved version itself is unchanged")
    }

    /// Issue #16 measured 32 s of CPU for a 40 KB path in a whitelist PUT: long paths and paths with
    /// more segments than any route are refused at once, with the reason.
    @Test func overlongPathsAreRefusedBeforeMatching() {
        let long = "/api/v1/courses/" + String(repeating: "x", count: 40_000)
        guard case let .unknown(reason, suggestions) = checker.check(method: "GET", path: long) else { Issue.record("matched"); return }
        #expect(reason == "The path is longer than 2048 characters; no Canvas route is.")
        #expect(suggestions.isEmpty)
        let deep = "/api/v1" + String(repeating: "/a", count: 500)
        guard case let .unknown(deepReason, _) = checker.check(method: "GET", path: deep) else { Issue.record("matched"); return }
        #expect(deepReason.contains("more than 24 segments"))
        // A long word still gets suggestions by its other segments.
        let word = "/api/v1/courses/1/" + String(repeating: "q", count: 500)
        guard case let .unknown(_, near) = checker.check(method: "GET", path: word) else { Issue.record("matched"); return }
        #expect(!near.isEmpty)
        // The refusal quotes the start of the path, not 40,000 characters of it, and nothing unprintable.
        do {
            _ = try Whitelist.resolve([EndpointDeclaration(method: "GET", path: long, justification: "x"),
                                       EndpointDeclaration(method: "GET", path: "/api/v1/\u{1B}[2J\u{202E}x", justification: "y")], checker: checker)
            Issue.record("a 40,000-character path was accepted")
        } catch let DomainError.validation(errors) {
            let first = errors.messages["line 1"] ?? ""
            #expect(first.hasPrefix("GET /api/v1/courses/xxx") && first.contains("…: The path is longer than 2048 characters"))
            #expect(first.count < 300)
            let second = errors.messages["line 2"] ?? ""
            #expect(second.hasPrefix("GET /api/v1/?[2J?x: "))
            #expect(!second.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, "the reason quotes the path too: \(second)")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(Excerpt.of("abc", limit: 2) == "ab…")
        #expect(Excerpt.of("tab\there\u{200B}") == "tab?here?")
    }

    @Test func typosStillGetSuggestions() {
        guard case let .unknown(_, suggestions) = checker.check(method: "GET", path: "/api/v1/courses/:course_id/late_polcy") else {
            Issue.record("a typo matched"); return
        }
        #expect(suggestions.first?.template.text == "/api/v1/courses/:id/late_policy")
    }

    @Test func everyEntrySaysWhereItsDataKindsComeFrom() {
        for entry in shippedCatalog {
            let source = entry.classification
            #expect(source.hasPrefix("catalog:") || source.hasPrefix("derived:") || source.hasPrefix("documented:"), "\(entry.key): \(source)")
            if source.hasPrefix("documented:") {
                #expect(entry.template.text.hasPrefix("/api/quiz/v1/") || entry.template.text.contains("/analytics/"), "\(entry.key)")
            } else {
                #expect(entry.handler?.contains("#") == true, "\(entry.key) names its controller#action")
            }
        }
        // Derived kinds err towards the sensitive: the grade change log reads grades and audit logs.
        let audit = shippedCatalog.first { $0.key == "GET /api/v1/audit/grade_change/courses/:course_id/students/:student_id" }
        #expect(audit?.kinds.isSuperset(of: [.grades, .auditLogs]) == true)
    }
}

@Suite("Route templates and constraints")
struct RouteShapeTests {
    @Test func shapesEraseParameterNamesOnly() throws {
        #expect(try RouteTemplate("/api/v1/courses/:id/late_policy").shape == RouteTemplate("/api/v1/courses/:course_id/late_policy").shape)
        #expect(try RouteTemplate("/api/v1/courses/:id/late_policy").shape != RouteTemplate("/api/v1/courses/:id/settings").shape)
        #expect(try RouteTemplate("/a/b(/*scope)").shape == "/a/b /a/b/*")
        #expect(try RouteTemplate("/jobs2/:bucket/by_:group").variants == [[.literal("jobs2"), .parameter("bucket"), .prefixed("by_", "group")]])
        #expect(throws: RouteTemplate.Invalid.self) { try RouteTemplate("/jobs2/by_:") }
    }

    @Test func constraintNotation() {
        #expect(RouteConstraint(notation: "bucket=running|queued")?.kind == .pattern(parameter: "bucket", regex: "running|queued"))
        #expect(RouteConstraint(notation: "request=Lti::ReRegConstraint")?.kind == .request("Lti::ReRegConstraint"))
        #expect(RouteConstraint(notation: "id=(") == nil, "a pattern that does not compile is refused")
        #expect(RouteConstraint(notation: "=x") == nil)
    }

    @Test func aRunTimeCheckIsNeverPassedByAPathAlone() throws {
        let checked = CatalogEntry(verb: .POST, template: try RouteTemplate("/api/lti/courses/:course_id/tool_proxy"), group: "Tool Proxy",
                                   kinds: [.ltiTools], order: 1, constraints: [RouteConstraint(.request("Lti::ReRegConstraint"))])
        let plain = CatalogEntry(verb: .POST, template: try RouteTemplate("/api/lti/courses/:id/tool_proxy"), group: "Tool Proxy",
                                 kinds: [.ltiTools], order: 2)
        #expect(EndpointMatcher([checked, plain]).match(.POST, "/api/lti/courses/5/tool_proxy")?.order == 2)
        #expect(EndpointMatcher([checked]).match(.POST, "/api/lti/courses/5/tool_proxy") == nil)
    }

    @Test func theGeneratedLineFormatIsChecked() {
        let good = "GET /api/v1/jobs2/:bucket\tJobs\taccount_admin\tjobs_v2#list\t7\tderived:controller jobs_v2\tbucket=running|failed"
        let entries = try? EndpointCatalog.parse(good, file: "g.txt")
        #expect(entries?.first?.order == 7)
        #expect(entries?.first?.constraints.first?.description == "bucket=running|failed")
        for (bad, message) in [
            ("GET /api/v1/x\tJobs\taccount_admin\tjobs#x\t7\tderived", "7 tab-separated fields"),
            ("GET /api/v1/x\tJobs\taccount_admin\tjobs#x\tseven\tderived\t-", "route order"),
            ("GET /api/v1/x\tJobs\tnonsense\tjobs#x\t7\tderived\t-", "unknown data kind"),
            ("GET /api/v1/x\tJobs\taccount_admin\tjobs#x\t7\tderived\tid=(", "unreadable constraint"),
        ] {
            #expect(throws: CatalogError.self) { try EndpointCatalog.parse(bad, file: "g.txt") }
            do { _ = try EndpointCatalog.parse(bad, file: "g.txt") } catch { #expect("\(error)".contains(message), "\(error)") }
        }
    }
}
