import Domain
import Foundation
import Testing

/// The catalog shipped in data/, loaded once for these tests.
let shippedCatalog: [CatalogEntry] = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    let file = url.appendingPathComponent("data/canvas/endpoints.txt")
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    return (try? EndpointCatalog.parse(text, file: "endpoints.txt")) ?? []
}()
let matcher = EndpointMatcher(shippedCatalog)
let checker = EndpointChecker(matcher: matcher)

func template(_ verb: HTTPVerb, _ path: String) -> String? { matcher.match(verb, path)?.template.text }

@Suite("Canvas endpoint catalog")
struct CanvasCatalogTests {
    @Test func theShippedCatalogCoversTheRESTAPIBroadly() {
        let v1 = shippedCatalog.filter { $0.template.text.hasPrefix("/api/v1/") }
        #expect(v1.count >= 1000)
        #expect(Set(shippedCatalog.map(\.key)).count == shippedCatalog.count)
        #expect(Set(shippedCatalog.map(\.group)).count >= 80)
        for expected in ["Enrollments", "Submissions", "Users", "Courses", "Assignments", "Files", "Developer Keys", "SIS Imports"] {
            #expect(shippedCatalog.contains { $0.group == expected }, "missing group \(expected)")
        }
    }

    @Test(arguments: [
        ("/api/v1/courses/123/enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/10000000000008/enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/1~8/enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/sis_course_id:ABC-101/enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/sis_course_id%3AABC-101/enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/123/enrollments/", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/123/enrollments?per_page=50&type[]=StudentEnrollment", "/api/v1/courses/:course_id/enrollments"),
        ("https://canvas.northfield.example/api/v1/courses/123//enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/123/enrollments.json", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/:course_id/enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/courses/{id}/enrollments", "/api/v1/courses/:course_id/enrollments"),
        ("/api/v1/users/self/enrollments", "/api/v1/users/:user_id/enrollments"),
        ("/api/v1/users/sis_user_id:s123/logins", "/api/v1/users/:user_id/logins"),
        ("/api/v1/courses/5/assignments/77/submissions/sis_user_id:s9", "/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id"),
        ("/api/v1/accounts/1/sis_imports/42", "/api/v1/accounts/:account_id/sis_imports/:id"),
        ("/api/sis/courses/12/assignments", "/api/sis/courses/:course_id/assignments"),
        ("/api/quiz/v1/courses/12/quizzes/4/items", "/api/quiz/v1/courses/:course_id/quizzes/:assignment_id/items"),
    ])
    func concretePathsNormaliseToTheirTemplate(path: String, expected: String) {
        #expect(template(.GET, path) == expected)
    }

    @Test func literalSegmentsWinOverParameters() {
        #expect(template(.GET, "/api/v1/courses/1/assignments/overrides") == "/api/v1/courses/:course_id/assignments/overrides")
        #expect(template(.GET, "/api/v1/courses/1/assignments/99") == "/api/v1/courses/:course_id/assignments/:id")
        #expect(template(.PUT, "/api/v1/courses/1/assignments/bulk_update") == "/api/v1/courses/:course_id/assignments/bulk_update")
        #expect(template(.GET, "/api/v1/courses/1/files/quota") == "/api/v1/courses/:course_id/files/quota")
        #expect(template(.GET, "/api/v1/courses/1/files/55") == "/api/v1/courses/:course_id/files/:id")
    }

    @Test func globsAndOptionalGroupsMatchAsCanvasRoutesDo() {
        #expect(template(.GET, "/api/v1/courses/1/folders/by_path/Unit 1/Readings/week%202") == "/api/v1/courses/:course_id/folders/by_path/*full_path")
        #expect(template(.GET, "/api/v1/courses/1/folders/by_path") == "/api/v1/courses/:course_id/folders/by_path")
        #expect(template(.GET, "/api/v1/users/self/custom_data") == "/api/v1/users/:user_id/custom_data(/*scope)")
        #expect(template(.GET, "/api/v1/users/self/custom_data/com.vendor/prefs/theme") == "/api/v1/users/:user_id/custom_data(/*scope)")
        #expect(template(.POST, "/api/v1/accounts/1/outcome_imports") == "/api/v1/accounts/:account_id/outcome_imports(/group/:learning_outcome_group_id)")
        #expect(template(.POST, "/api/v1/accounts/1/outcome_imports/group/7") == "/api/v1/accounts/:account_id/outcome_imports(/group/:learning_outcome_group_id)")
    }

    @Test func headIsAnsweredLikeGetAndOptionsIsNotAVerb() {
        #expect(HTTPVerb(parsing: "head") == .GET)
        #expect(HTTPVerb(parsing: "OPTIONS") == nil)
        guard case .unknown(let reason, _) = checker.check(method: "OPTIONS", path: "/api/v1/courses") else {
            Issue.record("OPTIONS accepted"); return
        }
        #expect(reason.contains("not an HTTP method"))
    }

    @Test func unknownPathsGetTheClosestSuggestions() {
        guard case let .unknown(reason, suggestions) = checker.check(method: "GET", path: "/api/v1/coures/123/enrolments") else {
            Issue.record("a misspelt path was accepted"); return
        }
        #expect(reason.contains("no GET /api/v1/coures/123/enrolments"))
        #expect(suggestions.first?.template.text == "/api/v1/courses/:course_id/enrollments")
        #expect(suggestions.count == 3)
    }

    @Test func aKnownPathWithTheWrongVerbNamesTheRightOnes() {
        guard case let .unknown(reason, suggestions) = checker.check(method: "PATCH", path: "/api/v1/courses/1/enrollments") else {
            Issue.record("accepted"); return
        }
        #expect(reason == "Canvas has this path for GET, POST, not PATCH.")
        #expect(suggestions.map(\.verb) == [.GET, .POST])
    }

    @Test func pathsOutsideTheAPIAreRefused() {
        #expect(matcher.match(.GET, "/courses/1/grades") == nil)
        guard case .unknown(let reason, _) = checker.check(method: "GET", path: "courses/1") else { Issue.record("accepted"); return }
        #expect(reason.contains("must start with /api/"))
    }

    @Test func identifierShapes() {
        for id in ["123", "10000000000008", "1~8", "sis_course_id:ABC-101", "self", "lti_context_id:abc"] {
            #expect(NormalisedPath.looksLikeIdentifier(id), "\(id)")
        }
        for word in ["enrollments", "sis_imports", "1~", "~8", ""] {
            #expect(!NormalisedPath.looksLikeIdentifier(word), "\(word)")
        }
    }
}

@Suite("Catalog file errors")
struct CatalogErrorTests {
    @Test(arguments: [
        ("GET /api/v1/courses", 1, "before the first"),
        ("## Courses | course_settings\nGOT /api/v1/courses", 2, "unknown method 'GOT'"),
        ("## Courses | course_settings\nGET /courses", 2, "not a Canvas API path"),
        ("## Courses | nonsense", 1, "unknown data kind 'nonsense'"),
        ("## Courses\n", 1, "a group line reads"),
        ("## Courses | roster\nGET /api/v1/courses\n\nGET /api/v1/courses", 4, "listed twice"),
        ("## Courses | roster\nGET /api/v1/users/:id/custom_data(/*scope", 2, "never closed"),
        ("## Courses | roster\nGET /api/v1/courses | ", 2, "at least one data kind"),
    ])
    func problemsNameTheFileAndLine(text: String, line: Int, message: String) {
        do {
            _ = try EndpointCatalog.parse(text, file: "custom.txt")
            Issue.record("accepted")
        } catch let error as CatalogError {
            #expect(error.file == "custom.txt")
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func optionalGroupsExpandIntoEveryVariant() throws {
        let template = try RouteTemplate("/a(/b(/c))/d")
        #expect(template.variants.count == 3)
        #expect(template.variants.first == [.literal("a"), .literal("d")])
    }
}

@Suite("Risk, summaries and scope export")
struct WhitelistRiskTests {
    func entries(_ lines: [(HTTPVerb, String)]) -> [CatalogEntry] {
        lines.map { verb, path in
            guard let entry = matcher.match(verb, path) else { fatalError("not in catalog: \(verb) \(path)") }
            return entry
        }
    }

    @Test func riskFollowsWhatIsTouchedAndHow() {
        #expect(matcher.match(.PUT, "/api/v1/courses/1/assignments/2/submissions/3")?.risk == .high, "grading is a high-risk write")
        #expect(matcher.match(.POST, "/api/v1/courses/1/enrollments")?.risk == .high)
        #expect(matcher.match(.PUT, "/api/v1/users/5")?.risk == .high)
        #expect(matcher.match(.GET, "/api/v1/courses/1/enrollments")?.risk == .medium, "reading the roster is sensitive")
        #expect(matcher.match(.GET, "/api/v1/courses/1/assignments/2/submissions")?.risk == .medium)
        #expect(matcher.match(.GET, "/api/v1/courses/1/modules")?.risk == .low)
        #expect(matcher.match(.DELETE, "/api/v1/courses/1/pages/syllabus-notes")?.risk == .medium)
        #expect(matcher.match(.GET, "/api/v1/courses/1/modules")?.access == .read)
        #expect(matcher.match(.DELETE, "/api/v1/courses/1/modules/2")?.access == .write)
    }

    @Test func theSummaryNamesKindsAndTheHighestRisk() {
        let summary = WhitelistSummary(entries([
            (.GET, "/api/v1/courses/1/modules"), (.GET, "/api/v1/courses/1/enrollments"),
            (.POST, "/api/v1/courses/1/assignments/2/submissions/update_grades"), (.GET, "/api/v1/courses/1/modules"),
        ]))
        #expect(summary.entries.count == 3, "duplicates count once")
        #expect(summary.overallRisk == .high)
        #expect(summary.sentence == "Writes grades, student submissions; reads roster and enrollments, user personal data, course content.")
        #expect(WhitelistSummary([]).overallRisk == nil)
        #expect(WhitelistSummary(entries([(.GET, "/api/v1/courses/1/modules")])).overallRisk == .low)
    }

    @Test func scopeExportMatchesTheGoldenFile() throws {
        let chosen = entries([
            (.GET, "/api/v1/courses/1/enrollments"), (.POST, "/api/v1/courses/1/enrollments"),
            (.GET, "/api/v1/users/self/custom_data/x"), (.GET, "/api/v1/courses/1/folders/by_path/a/b"),
            (.GET, "/api/lti/courses/1/names_and_roles"), (.GET, "/api/sis/courses/1/assignments"),
        ])
        let lines = ScopeExport.scopeLines(chosen)
        #expect(lines == [
            "url:GET|/api/sis/courses/:course_id/assignments",
            "url:GET|/api/v1/courses/:course_id/enrollments",
            "url:POST|/api/v1/courses/:course_id/enrollments",
            "url:GET|/api/v1/courses/:course_id/folders/by_path/*full_path",
            "url:GET|/api/v1/users/:user_id/custom_data(/*scope)",
        ], "LTI service routes are not url: scopes")
        var golden = URL(fileURLWithPath: #filePath)
        golden.deleteLastPathComponent()
        let expected = try String(contentsOf: golden.appendingPathComponent("Golden/developer-key.json"), encoding: .utf8)
        #expect(ScopeExport.developerKeyJSON(chosen) + "\n" == expected)
        let parsed = try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [String: Any]
        #expect(parsed?["require_scopes"] as? Bool == true)
        #expect((parsed?["scopes"] as? [String])?.count == 5)
    }
}

@Suite("Importing a Canvas instance's scopes")
struct ScopesImportTests {
    @Test func readsTheScopesAPIResponseAndSkipsWhatItCannotUse() throws {
        let json = """
        [
          {"resource": "courses", "resource_name": "Courses", "controller": "courses", "action": "index", "verb": "GET", "scope": "url:GET|/api/v1/courses"},
          {"resource": "late_policy", "resource_name": "Late Policy", "controller": "late_policy", "action": "create", "verb": "POST", "scope": "url:POST|/api/v1/courses/:id/late_policy"},
          {"resource": "smart", "resource_name": "Smart Things", "controller": "x", "action": "y", "verb": "GET", "scope": "url:GET|/api/v1/courses/:course_id/smart_things/:id/grades"},
          {"resource": "odd", "resource_name": "Odd", "verb": "GET", "scope": "/auth/userinfo"},
          {"resource": "bad", "resource_name": "Bad", "verb": "BREW", "scope": "url:BREW|/api/v1/coffee"},
          {"resource": "courses", "resource_name": "Courses", "controller": "courses", "action": "index", "verb": "GET", "scope": "url:GET|/api/v1/courses"}
        ]
        """
        let result = try ScopesImport.parse(Data(json.utf8))
        #expect(result.entries.map(\.key) == [
            "GET /api/v1/courses", "POST /api/v1/courses/:id/late_policy", "GET /api/v1/courses/:course_id/smart_things/:id/grades",
        ])
        #expect(result.entries.allSatisfy { $0.source == .imported })
        #expect(result.entries[2].kinds.contains(.grades))
        #expect(result.entries[2].group == "Smart Things")
        #expect(result.skipped.map(\.index) == [4, 5])
    }

    @Test func readsTheGroupedShapeToo() throws {
        let json = #"{"Courses": [{"resource": "courses", "resource_name": "Courses", "verb": "GET", "scope": "url:GET|/api/v1/courses/:id"}]}"#
        #expect(try ScopesImport.parse(Data(json.utf8)).entries.count == 1)
    }

    @Test func refusesOtherJSON() {
        #expect(throws: ScopesImport.Invalid.self) { try ScopesImport.parse(Data(#"{"a": 1}"#.utf8)) }
        #expect(throws: ScopesImport.Invalid.self) { try ScopesImport.parse(Data("not json".utf8)) }
        #expect(throws: ScopesImport.Invalid.self) { try ScopesImport.parse(Data("{}".utf8)) }
        #expect(throws: ScopesImport.Invalid.self) { try ScopesImport.parse(Data("[]".utf8)) }
    }
}
