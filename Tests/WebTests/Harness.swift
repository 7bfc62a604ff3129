import Domain
import Foundation
import Logging
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// The repository root, where `templates/` and `data/` live.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A configured, migrated app with one active account per role, a hand-moved clock and a
/// temporary database; everything is removed afterwards.
struct WebHarness: Sendable {
    static let password = "correct horse battery"

    let app: Application
    let clock: TestClock
    let users: [Role: User]
    /// Where this test's mail is written (.eml files).
    let outbox: String

    /// The decoded subject of a message.
    static func subject(of message: String) -> String {
        guard let line = message.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("Subject: ") }) else { return "" }
        let value = String(line.dropFirst("Subject: ".count))
        guard value.hasPrefix("=?UTF-8?B?"), value.hasSuffix("?="), let data = Data(base64Encoded: String(value.dropFirst(10).dropLast(2))) else { return value }
        return String(decoding: data, as: UTF8.self)
    }

    /// The messages delivered so far, oldest first: the outbox's worker runs first, as `serve` runs it.
    func mail() async throws -> [String] {
        try await app.operations.mail.deliverDue()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { try String(contentsOfFile: outbox + $0, encoding: .utf8) }
    }

    func user(_ role: Role) -> User { users[role]! }

    /// A signed-in test browser for `role`.
    func signedIn(_ role: Role) async throws -> TestBrowser {
        let browser = TestBrowser(app: app)
        let response = try await browser.login(email: user(role).email, password: Self.password)
        #expect(response.status == .seeOther, "login as \(role) failed with \(response.status)")
        return browser
    }

    /// A bearer token for `role`, issued the same way the UI and CLI issue them.
    func token(_ role: Role, days: Int = 30) async throws -> String {
        try await app.operations.tokens.issue(
            TokenRequest(purpose: "tests for \(role.rawValue)", expiresInDays: days), for: user(role), by: .commandLine)
    }
}

func withWebApp(
    _ engine: TestEngine = .sqlite, configure adjust: (inout AppConfig) -> Void = { _ in }, logger: Logger? = nil,
    _ body: (WebHarness) async throws -> Void
) async throws {
    try await withTestApplication(engine) { app, database in
        if let logger { app.logger = logger }
        let clock = TestClock()
        var config = try AppConfig.fromEnvironment([:], workingDirectory: repositoryRoot)
        config.database = database
        config.bcryptCost = 4
        // Mail goes to a fresh outbox per test, never into the repository's var/.
        let outbox = NSTemporaryDirectory() + "vr-outbox-\(UUID().uuidString)/"
        config.outboxDirectory = outbox
        defer { try? FileManager.default.removeItem(atPath: outbox) }
        // A key of its own per test (created on start, as a first start creates var/secret.key).
        config.secretKeyFile = outbox + "secret.key"
        adjust(&config)
        try await configure(app, config: config, services: AppServices(now: { clock.now }))
        try await app.persistence.migrate()
        var users: [Role: User] = [:]
        let hash = try await app.context.hasher.hash(WebHarness.password)
        for role in Role.allCases {
            users[role] = try await app.store.users.create(
                NewUser(email: "\(role.rawValue)@northfield.example", name: "Test \(role.label)", role: role),
                id: .init(UUID()), passwordHash: hash, by: .commandLine, at: clock.now)
        }
        try await body(WebHarness(app: app, clock: clock, users: users, outbox: outbox))
    }
}

/// Runs `body` with a new application and a database of its own for `engine`; shuts the app down
/// (which closes its database) and removes the database afterwards, whether `body` succeeds or throws.
func withTestApplication(_ engine: TestEngine, _ body: (Application, DatabaseConfig) async throws -> Void) async throws {
    try await withTestDatabase(engine) { database in
        let app = try await Application.make(.testing)
        do {
            try await body(app, database)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// Sends requests like a browser would: keeps the session cookie and reads CSRF tokens from pages.
final class TestBrowser: @unchecked Sendable {
    let app: Application
    private(set) var cookie: String?
    private(set) var lastCSRF: String?

    init(app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: headers)
    }

    /// Posts a form. The CSRF token is fetched from `csrfFrom` (a page) unless `csrf` is given.
    @discardableResult
    func post(_ path: String, form: [String: String], csrf: String? = nil, csrfFrom page: String? = nil) async throws -> TestingHTTPResponse {
        var fields = form
        if let csrf {
            fields[CSRF.field] = csrf
        } else if let page {
            try await get(page)
            fields[CSRF.field] = lastCSRF ?? ""
        }
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, headers: headers, body: ByteBuffer(string: Self.encode(fields)))
    }

    /// Posts a multipart form (as a browser uploads files) with the given CSRF token and one file.
    @discardableResult
    func postMultipart(
        _ path: String, csrf: String, extra: [String: String] = [:], fileField: String = "file", filename: String, bytes: [UInt8]
    ) async throws -> TestingHTTPResponse {
        let boundary = "vr-test-boundary-\(UUID().uuidString)"
        var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(CSRF.field)\"\r\n\r\n\(csrf)\r\n")
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(filename)\"\r\n")
        body.writeString("Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await send(.POST, path, headers: headers, body: body)
    }

    @discardableResult
    func login(email: String, password: String, next: String? = nil) async throws -> TestingHTTPResponse {
        var form = ["email": email, "password": password]
        if let next { form["next"] = next }
        return try await post("/login", form: form, csrfFrom: "/login")
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        var headers = headers
        if let cookie { headers.replaceOrAdd(name: .cookie, value: "vr_session=\(cookie)") }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        for header in response.headers[.setCookie] where header.hasPrefix("vr_session=") {
            let value = String(header.dropFirst("vr_session=".count).prefix { $0 != ";" })
            cookie = header.contains("Max-Age=0") || header.contains("1970") || value.isEmpty ? nil : value
        }
        let html = response.body.string
        if let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) {
            lastCSRF = String(html[range].split(separator: "\"")[3])
        }
        return response
    }

    static func encode(_ form: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.sorted { $0.key < $1.key }.map {
            "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
    var text: String { body.string }
}

func bearer(_ token: String) -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.bearerAuthorization = BearerAuthorization(token: token)
    return headers
}

func jsonBody(_ object: [String: Any]) throws -> ByteBuffer {
    ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: object)))
}

func jsonHeaders(_ token: String) -> HTTPHeaders {
    var headers = bearer(token)
    headers.contentType = .json
    return headers
}

func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
}

/// The field messages and form banner of a page, to explain a failed expectation.
func errorsIn(_ html: String) -> [String] {
    html.matches(of: /(?:field-error|alert error)"[^>]*>([^<]*)/).map { String($0.1) }
}

/// A log handler at trace level that hands every line (message and metadata) to a closure, for tests
/// that count or search what was logged.
struct CallbackLogHandler: LogHandler {
    let onLog: @Sendable (Logger.Level, String, Logger.Metadata) -> Void
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(_ onLog: @escaping @Sendable (Logger.Level, String, Logger.Metadata) -> Void) { self.onLog = onLog }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        onLog(level, message.description, (metadata ?? [:]).merging(self.metadata) { first, _ in first })
    }
}

/// Pages kept as golden files, under `Tests/WebTests/Golden/`.
let goldenDirectory = repositoryRoot + "/Tests/WebTests/Golden/"

/// Compares a rendered page with its golden file (`name` is its path under `Golden/`); `UPDATE_GOLDEN=1` rewrites the file instead.
func expectGolden(_ html: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    // Users get random ids in the harness; the golden file holds them as a placeholder.
    let path = goldenDirectory + name
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try html.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    if expected != html {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false), b = html.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("\(name) differs from its golden file at line \(line + 1): expected “\(line < a.count ? a[line] : "")”, got “\(line < b.count ? b[line] : "")”. Run with UPDATE_GOLDEN=1 if the change is intended.",
                     sourceLocation: sourceLocation)
    }
}
