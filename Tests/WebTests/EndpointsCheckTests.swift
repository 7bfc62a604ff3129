import Domain
import Foundation
import Testing
@testable import Web

@Suite("endpoints check report")
struct EndpointsCheckTests {
    func report(_ text: String) async throws -> EndpointListReport {
        let entries = try ReferenceData.loadCatalog(dataDirectory: repositoryRoot + "/data/")
        return EndpointListReport(text: text, checker: EndpointChecker(matcher: EndpointMatcher(entries)))
    }

    @Test func knownLinesShowTheirTemplateAndScopes() async throws {
        let result = try await report("""
        # vendor list
        GET /api/v1/courses/sis_course_id:BIO-101/enrollments?per_page=50  # roster
        PUT /api/v1/courses/9/assignments/3/submissions/self   # post scores

        """)
        #expect(result.unknownCount == 0)
        let text = result.render()
        #expect(text.contains("line 2: ok       GET /api/v1/courses/sis_course_id:BIO-101/enrollments?per_page=50"))
        #expect(text.contains("→ GET /api/v1/courses/:course_id/enrollments  (read, Enrollments, roster+user_pii, risk medium)"))
        #expect(text.contains("2 known, 0 unknown; overall risk high."))
        #expect(text.hasSuffix("url:GET|/api/v1/courses/:course_id/enrollments\n"))
        #expect(text.contains("url:PUT|/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id"))
        #expect(!text.contains("no justification"))
    }

    @Test func unknownLinesAreCountedWithSuggestionsAndMissingReasonsWarned() async throws {
        let result = try await report("GET /api/v1/coures/1/users\nGET /api/v1/courses/1/users")
        #expect(result.unknownCount == 1)
        let text = result.render()
        #expect(text.contains("line 1: UNKNOWN  GET /api/v1/coures/1/users"))
        #expect(text.contains("did you mean: GET /api/v1/courses/:course_id/users"))
        #expect(text.contains("! no justification"))
    }

    @Test func otherParameterNamesAreShownCanvasText() async throws {
        let text = try await report("GET /api/v1/courses/:course_id/late_policy  # late work\nGET /api/v1/courses/7/late_policy # again").render()
        #expect(text.contains("→ GET /api/v1/courses/:id/late_policy"))
        #expect(text.contains("! Canvas writes this /api/v1/courses/:id/late_policy; the whitelist and the scope use Canvas's text"))
        #expect(text.components(separatedBy: "! Canvas writes this").count == 2, "only the line written with other names")
        #expect(text.contains("url:GET|/api/v1/courses/:id/late_policy"))
    }

    @Test func aBrokenCatalogIsReportedWithFileAndLine() throws {
        let directory = NSTemporaryDirectory() + "vr-catalog-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: directory + "canvas", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "## Courses | roster\nGET /api/v1/courses\nFETCH /api/v1/x\n".write(toFile: directory + "canvas/endpoints.txt", atomically: true, encoding: .utf8)
        #expect(throws: ReferenceData.LoadError.self) { try ReferenceData.loadCatalog(dataDirectory: directory) }
        do {
            _ = try ReferenceData.loadCatalog(dataDirectory: directory)
        } catch {
            #expect("\(error)".contains("endpoints.txt:3: unknown method 'FETCH'"))
        }
        #expect(throws: ReferenceData.LoadError.self) { try ReferenceData.loadCatalog(dataDirectory: directory + "missing/") }
    }
}

@Suite("endpoints check arguments")
struct EndpointsArgumentTests {
    @Test func theFirstLineThatIsNotUTF8IsNamed() {
        #expect(EndpointsCheckCommand.firstLineNotUTF8(Data("GET /api/v1/courses\nGET /api/v1/users/self\n".utf8)) == nil)
        #expect(EndpointsCheckCommand.firstLineNotUTF8(Data([0x47, 0x45, 0x54, 0x0A, 0x2F, 0xFF, 0x61, 0x0A, 0x2F])) == 2)
    }

    @Test func aDashOrNoFileMeansStandardInput() {
        #expect(EndpointsCheckCommand.normalise(arguments: ["vr", "endpoints", "check", "-"]) == ["vr", "endpoints", "check", "/dev/stdin"])
        #expect(EndpointsCheckCommand.normalise(arguments: ["vr", "endpoints", "check"]) == ["vr", "endpoints", "check", "/dev/stdin"])
        #expect(EndpointsCheckCommand.normalise(arguments: ["vr", "endpoints", "check", "list.txt"]) == ["vr", "endpoints", "check", "list.txt"])
        #expect(EndpointsCheckCommand.normalise(arguments: ["vr", "serve", "-"]) == ["vr", "serve", "-"])
    }
}
