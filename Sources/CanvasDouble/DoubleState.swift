import Foundation
import Vapor

/// The double's data, rendered into Canvas's JSON shapes (again for an object a write changes), and
/// what it counts while serving: requests, the rate-limit bucket, faults already served, report polls
/// and every write it was sent.
public final class DoubleState: @unchecked Sendable {
    let scenario: CanvasScenario
    let quirks: CanvasScenario.Quirks
    let lock = NSLock()
    private var origin = "http://127.0.0.1"
    private var requestCount = 0
    var faultsServed: [String: Int] = [:]
    private var reportPolls: [String: Int] = [:]
    private let started = Date()

    let rootID: String
    // Changed by writes, under `lock`: the objects and their rendered JSON, side by side.
    var keyObjects: [CanvasScenario.Key]
    var ownKeys: [Data]
    let inheritedKeys: [Data]
    var registrationObjects: [CanvasScenario.Registration]?
    var registrations: [Data]?
    let accounts: [String: CanvasScenario.Account]
    /// LTI context controls made through the API, per registration id, in creation order.
    var contextControls: [String: [[String: Any]]] = [:]
    private let tools: [String: [Data]]
    var tokenObjects: [String: [CanvasScenario.UserToken]]
    var tokens: [String: [Data]]
    /// Every change request that reached a handler: method, path, body, and the status answered.
    var writeLog: [[String: Any]] = []

    public init(scenario: CanvasScenario) {
        var scenario = scenario
        DoubleState.expand(&scenario)
        self.scenario = scenario
        quirks = scenario.quirks ?? CanvasScenario.Quirks()
        rootID = scenario.account.id
        keyObjects = scenario.developerKeys ?? []
        ownKeys = keyObjects.map { DoubleState.json(DoubleState.ownKey($0, root: scenario.account.id)) }
        inheritedKeys = (scenario.inheritedKeys ?? []).map { DoubleState.json(DoubleState.inheritedKey($0, root: scenario.account.id)) }
        registrationObjects = scenario.ltiRegistrations
        registrations = scenario.ltiRegistrations.map { $0.map { DoubleState.json(DoubleState.registration($0, root: scenario.account.id)) } }
        var accounts = [scenario.account.id: scenario.account]
        for account in scenario.subAccounts ?? [] { accounts[account.id] = account }
        self.accounts = accounts
        tools = (scenario.externalTools ?? [:]).mapValues { $0.map { DoubleState.json(DoubleState.tool($0)) } }
        tokenObjects = scenario.userTokens ?? [:]
        tokens = (scenario.userTokens ?? [:]).mapValues { $0.map { DoubleState.json(DoubleState.userToken($0)) } }
    }

    func setOrigin(_ origin: String) {
        lock.lock()
        self.origin = origin
        lock.unlock()
    }

    /// Requests answered so far (every request, refused ones included).
    public var requests: Int {
        lock.lock()
        defer { lock.unlock() }
        return requestCount
    }

    // MARK: - Answering

    func answer(_ req: Request) async throws -> Response {
        let (number, remaining, origin) = count()
        let path = req.url.path
        guard req.headers.bearerAuthorization?.token == scenario.token else {
            var headers = HTTPHeaders()
            headers.add(name: "WWW-Authenticate", value: "Bearer realm=\"canvas-lms\"")
            return Self.error(.unauthorized, "Invalid access token.", headers: headers)
        }
        var headers = HTTPHeaders()
        headers.add(name: "X-Request-Cost", value: String(format: "%.4f", quirks.requestCost ?? 1))
        headers.add(name: "X-Rate-Limit-Remaining", value: String(format: "%.4f", remaining))
        if let every = quirks.throttleEvery, every > 0, number % every == 0 {
            if quirks.throttleStyle == "403" {
                headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
                return Response(status: .forbidden, headers: headers, body: .init(string: "403 Forbidden (Rate Limit Exceeded)\n"))
            }
            headers.add(name: "Retry-After", value: "1")
            return Self.error(.tooManyRequests, "Rate Limit Exceeded", headers: headers)
        }
        if path == quirks.oversizePath {
            headers.add(name: "Content-Type", value: "application/json")
            let item = "{\"id\":1,\"name\":\"\(String(repeating: "x", count: 1000))\"},"
            return Response(status: .ok, headers: headers, body: .init(string: "[" + String(repeating: item, count: 17_000) + "{\"id\":2}]"))
        }
        if path == quirks.deepPath {
            headers.add(name: "Content-Type", value: "application/json")
            return Response(status: .ok, headers: headers, body: .init(string: String(repeating: "[", count: 200) + String(repeating: "]", count: 200)))
        }
        let parts = path.split(separator: "/").map(String.init)
        let query = Self.query(req.url.query)
        guard parts.count >= 2, parts[0] == "api", parts[1] == "v1", [.GET, .POST, .PUT, .DELETE].contains(req.method) else {
            return Self.error(.notFound, "The specified resource does not exist.", headers: headers)
        }
        if let written = try await change(req, Array(parts.dropFirst(2)), path: path, headers: headers) { return written }
        return try await route(req.method, Array(parts.dropFirst(2)), path: path, query: query, headers: headers, origin: origin)
    }

    private func route(_ method: HTTPMethod, _ parts: [String], path: String, query: [(String, String)], headers: HTTPHeaders, origin: String) async throws -> Response {
        func isRoot(_ id: String) -> Bool { id == "self" || id == rootID }
        func value(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        let missing = Self.error(.notFound, "The specified resource does not exist.", headers: headers)
        switch (method, parts.first, parts.count) {
        case (.GET, "accounts", 2):
            let id = isRoot(parts[1]) ? rootID : parts[1]
            guard let account = accounts[id] else { return missing }
            return Self.ok(Self.json(Self.account(account, root: rootID)), headers: headers)
        case (.GET, "accounts", 3) where parts[2] == "permissions":
            let permissions = scenario.permissions ?? [:]
            let asked = query.filter { $0.0 == "permissions[]" }.map(\.1)
            var answer: [String: Any] = [:]
            for name in asked { answer[name] = permissions[name] ?? false }
            return Self.ok(Self.json(answer), headers: headers)
        case (.GET, "accounts", 3) where parts[2] == "developer_keys":
            guard isRoot(parts[1]) else { return missing }
            return try await page(value("inherited") == "true" ? inheritedKeys : locked { ownKeys }, path: path, query: query, headers: headers, origin: origin)
        case (.GET, "accounts", 3) where parts[2] == "lti_registrations":
            guard isRoot(parts[1]), let registrations = locked({ registrations }) else { return missing }
            return try await page(registrations, path: path, query: query, headers: headers, origin: origin, defaultPerPage: 15, wrapped: true)
        case (.GET, "accounts", 3) where parts[2] == "sub_accounts":
            let parent = isRoot(parts[1]) ? rootID : parts[1]
            guard accounts[parent] != nil else { return missing }
            let recursive = value("recursive") == "true"
            let all = (scenario.subAccounts ?? []).filter { account in
                recursive ? descends(account, from: parent) : account.parentAccountId == parent
            }
            return try await page(all.map { Self.json(Self.account($0, root: rootID)) }, path: path, query: query, headers: headers, origin: origin)
        case (.GET, "accounts", 3) where parts[2] == "external_tools":
            let id = isRoot(parts[1]) ? rootID : parts[1]
            guard accounts[id] != nil else { return missing }
            return try await page(tools[id] ?? [], path: path, query: query, headers: headers, origin: origin)
        case (.POST, "accounts", 4) where parts[2] == "reports" && parts[3] == "developer_key_report_csv":
            guard isRoot(parts[1]) else { return missing }
            let id = String(Int.random(in: 1000...999_999))
            return Self.ok(Self.json(["id": Int(id)!, "report": "developer_key_report_csv", "status": "running", "progress": 0]), headers: headers)
        case (.GET, "accounts", 5) where parts[2] == "reports" && parts[3] == "developer_key_report_csv":
            let id = parts[4]
            let polls = pollReport(id)
            if polls <= (quirks.reportPolls ?? 1) {
                return Self.ok(Self.json(["id": Int(id) ?? 0, "report": "developer_key_report_csv", "status": "running", "progress": 50]), headers: headers)
            }
            let url = "\(origin)/files/reports/\(id)/developer_key_report.csv?verifier=\(Self.verifier(id))"
            return Self.ok(Self.json(["id": Int(id) ?? 0, "report": "developer_key_report_csv", "status": "complete", "progress": 100, "file_url": url]), headers: headers)
        case (.GET, "users", 3) where parts[2] == "user_generated_tokens":
            guard let list = locked({ tokens[parts[1]] }) else { return missing }
            return try await page(list, path: path, query: query, headers: headers, origin: origin)
        default:
            return missing
        }
    }

    /// Report files are served like a storage bucket's signed URL: no token, a verifier instead.
    func file(_ req: Request) -> Response {
        let parts = req.url.path.split(separator: "/").map(String.init)
        guard parts.count == 4, parts[1] == "reports", Self.query(req.url.query).first(where: { $0.0 == "verifier" })?.1 == Self.verifier(parts[2]) else {
            return Self.error(.notFound, "The specified resource does not exist.", headers: [:])
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/csv")
        let report = locked { DoubleState.developerKeyReport(own: keyObjects, inherited: scenario.inheritedKeys ?? []) }
        return Response(status: .ok, headers: headers, body: .init(string: report))
    }

    private func descends(_ account: CanvasScenario.Account, from ancestor: String) -> Bool {
        var current = account.parentAccountId
        var steps = 0
        while let id = current, steps < 100 {
            if id == ancestor { return true }
            current = accounts[id]?.parentAccountId
            steps += 1
        }
        return false
    }

    /// One page of a listing, with Canvas's `Link` header and opaque bookmark page tokens.
    private func page(_ items: [Data], path: String, query: [(String, String)], headers: HTTPHeaders, origin: String, defaultPerPage: Int = 10,
                      wrapped: Bool = false) async throws -> Response {
        let perPage = min(100, max(1, query.first { $0.0 == "per_page" }.flatMap { Int($0.1) } ?? defaultPerPage))
        var offset = 0
        if let raw = query.first(where: { $0.0 == "page" })?.1 {
            guard let decoded = Self.offset(bookmark: raw) else { return Self.error(.badRequest, "invalid page", headers: headers) }
            offset = decoded
        }
        let pageNumber = offset / perPage + 1
        if let slow = quirks.slowPage, slow.path == path, (slow.page ?? 1) == pageNumber {
            try await Task.sleep(nanoseconds: UInt64(max(0, slow.milliseconds ?? 0)) * 1_000_000)
        }
        if let fault = quirks.serverError, fault.path == path, (fault.page ?? 1) == pageNumber, takeFault(fault) {
            return Self.error(.internalServerError, "An error occurred.", headers: headers)
        }
        let slice = offset < items.count ? Array(items[offset..<min(items.count, offset + perPage)]) : []
        var headers = headers
        let others = query.filter { $0.0 != "page" && $0.0 != "per_page" }
        func link(_ at: Int) -> String {
            let extra = others.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
            let target = "\(path)?\(extra.isEmpty ? "" : extra + "&")page=\(Self.bookmark(at))&per_page=\(perPage)"
            return (quirks.relativeLinks ?? false) ? target : (quirks.linkOrigin ?? origin) + target
        }
        var links = ["<\(link(offset))>; rel=\"current\""]
        if offset + perPage < items.count { links.append("<\(link(offset + perPage))>; rel=\"next\"") }
        if offset > 0 { links.append("<\(link(max(0, offset - perPage)))>; rel=\"prev\"") }
        links.append("<\(link(0))>; rel=\"first\"")
        if !(quirks.omitLast ?? false) { links.append("<\(link(max(0, (items.count - 1) / perPage * perPage)))>; rel=\"last\"") }
        headers.add(name: "Link", value: links.joined(separator: ","))
        var body = Data(wrapped ? "{\"total\":\(items.count),\"data\":[".utf8 : "[".utf8)
        for (index, item) in slice.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(item)
        }
        body.append(contentsOf: wrapped ? Array("]}".utf8) : Array("]".utf8))
        return Self.ok(body, headers: headers)
    }

    private func count() -> (Int, Double, String) {
        lock.lock()
        defer { lock.unlock() }
        requestCount += 1
        let start = quirks.rateLimitStart ?? 700
        // A leaky bucket: each request costs, and it refills 10 units a second.
        let remaining = max(0, min(start, start - Double(requestCount) * (quirks.requestCost ?? 1) + Date().timeIntervalSince(started) * 10))
        return (requestCount, remaining, origin)
    }

    func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func takeFault(_ fault: CanvasScenario.PageFault) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(fault.path)#\(fault.page ?? 1)"
        let served = faultsServed[key, default: 0]
        guard served < (fault.times ?? 1) else { return false }
        faultsServed[key] = served + 1
        return true
    }

    private func pollReport(_ id: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        reportPolls[id, default: 0] += 1
        return reportPolls[id]!
    }
}
