import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Talks to one Canvas over HTTPS with an admin token: one request at a time, `per_page=100`, only
/// `rel="next"` followed (and only on the Canvas host), bounded retries with jitter on throttling,
/// 5xx and time-outs, slowing down as `X-Rate-Limit-Remaining` falls, and no page over the size limit.
/// The token goes only into the `Authorization` header of requests to the Canvas host; it is never
/// logged, stored or put into an error.
public actor CanvasClient: CanvasReading {
    public nonisolated let address: String
    private let settings: CanvasSettings
    private let http: HTTPClient
    private let logger: Logger
    private var requests = 0
    private var retried: [CanvasError] = []
    private var shutDown = false

    public init(settings: CanvasSettings, logger: Logger) {
        self.settings = settings
        self.address = settings.baseURL.absoluteString
        self.logger = logger
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(settings.connectTimeout * 1000)), read: .milliseconds(Int64(settings.readTimeout * 1000))))
        // No TLS configuration given: AsyncHTTPClient verifies certificates and host names against the system trust store.
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connection pool; call once when the sync is done.
    public func close() async {
        guard !shutDown else { return }
        shutDown = true
        try? await http.shutdown()
    }

    public func requestCount() -> Int { requests }

    /// Why each retried request was retried, in order (a throttled page, a 5xx, a time-out, a dropped connection).
    public func retryReasons() -> [CanvasError] { retried }

    public func pause(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds * settings.delayScale) * 1_000_000_000))
    }

    public func get(_ path: String, query: [(String, String)]) async throws -> Data {
        try await send(.GET, url(path, query: query), path: path).body
    }

    public func post(_ path: String, form: [(String, String)]) async throws -> Data {
        let body = Self.encode(form)
        return try await send(.POST, url(path, query: []), path: path, body: Data(body.utf8)).body
    }

    public func write(_ method: String, _ path: String, form: [(String, String)], json: Data?) async throws -> Data {
        let verb = HTTPMethod(rawValue: method.uppercased())
        let body = json ?? (form.isEmpty ? nil : Data(Self.encode(form).utf8))
        return try await send(verb, url(path, query: []), path: path, body: body, json: json != nil, onlyRetryThrottling: true).body
    }

    public func list(_ path: String, query: [(String, String)]) async throws -> [Data] {
        var pages: [Data] = []
        var next: URL? = url(path, query: query + [("per_page", String(settings.perPage))])
        while let current = next {
            guard pages.count < settings.maxPages else { throw CanvasError.wire(path: path, problem: "more than \(settings.maxPages) pages") }
            let response = try await send(.GET, current, path: path)
            pages.append(response.body)
            next = try LinkHeader.next(response.link).map { try resolve($0) }
        }
        return pages
    }

    public func download(_ raw: String) async throws -> Data {
        guard let url = URL(string: raw, relativeTo: settings.baseURL)?.absoluteURL, ["https", "http"].contains(url.scheme?.lowercased() ?? "") else {
            throw CanvasError.wire(path: "report file", problem: "not a URL")
        }
        let sameHost = url.host?.lowercased() == settings.baseURL.host?.lowercased() && url.port == settings.baseURL.port
        return try await send(.GET, url, path: "report file", withToken: sameHost).body
    }

    // MARK: - One request

    struct Response {
        let body: Data
        let link: String?
    }

    /// `onlyRetryThrottling`: a change is sent again only after throttling (Canvas did nothing); after a
    /// 5xx, a time-out or a dropped connection it may have taken effect, so the caller reads back instead.
    private func send(_ method: HTTPMethod, _ url: URL, path: String, body: Data? = nil, json: Bool = false, withToken: Bool = true,
                      onlyRetryThrottling: Bool = false) async throws -> Response {
        var attempt = 0
        while true {
            attempt += 1
            requests += 1
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = method
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "VendorReview-CanvasSync/1")
            if withToken { request.headers.add(name: "Authorization", value: "Bearer \(settings.token)") }
            if let body {
                request.headers.add(name: "Content-Type", value: json ? "application/json" : "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            let retryable: CanvasError
            do {
                let response = try await http.execute(request, timeout: .milliseconds(Int64(settings.requestTimeout * 1000)), logger: nil)
                let remaining = response.headers.first(name: "X-Rate-Limit-Remaining").flatMap(Double.init)
                if let declared = response.headers.first(name: "Content-Length").flatMap(Int.init), declared > settings.maxPageBytes {
                    throw CanvasError.tooLarge(path: path, limit: settings.maxPageBytes)
                }
                let bytes: ByteBuffer
                do {
                    bytes = try await response.body.collect(upTo: settings.maxPageBytes)
                } catch is NIOTooManyBytesError {
                    throw CanvasError.tooLarge(path: path, limit: settings.maxPageBytes)
                }
                let data = Data(bytes.readableBytesView)
                logger.debug("canvas request", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "status": "\(response.status.code)",
                                                          "remaining": "\(remaining.map { String(Int($0)) } ?? "-")"])
                switch response.status.code {
                case 200..<300:
                    try await slowDown(remaining: remaining)
                    return Response(body: data, link: response.headers.first(name: "Link"))
                // Canvas answers a missing permission with 401 too, but without asking for a new token.
                case 401 where String(decoding: data.prefix(2048), as: UTF8.self).localizedCaseInsensitiveContains("not authorized to perform"):
                    throw CanvasError.forbidden(path: path)
                case 401: throw CanvasError.tokenRefused
                case 404: throw CanvasError.notFound(path: path)
                case 429: retryable = .throttled(path: path)
                case 403 where String(decoding: data.prefix(2048), as: UTF8.self).localizedCaseInsensitiveContains("Rate Limit Exceeded"):
                    retryable = .throttled(path: path)
                case 403: throw CanvasError.forbidden(path: path)
                case 500..<600: retryable = .status(Int(response.status.code), path: path)
                default: throw CanvasError.status(Int(response.status.code), path: path)
                }
            } catch let error as CanvasError {
                throw error
            } catch let error as HTTPClientError where [.readTimeout, .deadlineExceeded, .connectTimeout].contains(error) {
                retryable = .timedOut(path: path)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // Connection refused, TLS failures, DNS: say what, not how (no URL with query, no headers).
                retryable = .unreachable(Self.plain(error))
            }
            guard attempt <= settings.maxRetries else { throw retryable }
            if onlyRetryThrottling, case .throttled = retryable {} else if onlyRetryThrottling { throw retryable }
            retried.append(retryable)
            let base: Double = if case .throttled = retryable { settings.throttleBackoff } else { settings.retryBackoff }
            let delay = base * pow(2, Double(attempt - 1)) * Double.random(in: 0.5...1.5)
            logger.notice("canvas request retried", metadata: ["path": "\(path)", "attempt": "\(attempt)", "reason": "\(retryable)"])
            try await pause(seconds: delay)
        }
    }

    /// Canvas's bucket refills over time: as the remaining allowance falls below the threshold, wait longer.
    private func slowDown(remaining: Double?) async throws {
        guard let remaining, remaining < settings.slowBelowRemaining else { return }
        let fraction = 1 - max(0, remaining) / settings.slowBelowRemaining
        try await pause(seconds: fraction * settings.maxSlowdown)
    }

    private func url(_ path: String, query: [(String, String)]) -> URL {
        var components = URLComponents(url: settings.baseURL, resolvingAgainstBaseURL: false)!
        let prefix = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.percentEncodedPath = prefix + path
        if !query.isEmpty { components.percentEncodedQuery = Self.encode(query) }
        return components.url!
    }

    /// A `Link` URL, relative or absolute, on the Canvas host only.
    private func resolve(_ link: String) throws -> URL {
        guard let url = URL(string: link, relativeTo: settings.baseURL)?.absoluteURL else {
            throw CanvasError.wire(path: "Link header", problem: "not a URL")
        }
        guard url.host?.lowercased() == settings.baseURL.host?.lowercased(), url.port == settings.baseURL.port, url.scheme == settings.baseURL.scheme else {
            throw CanvasError.foreignURL(url.host ?? "unknown")
        }
        return url
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func plain(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("certificate") || text.contains("handshake") { return "the TLS certificate was not accepted" }
        if text.contains("NXDOMAIN") || text.localizedCaseInsensitiveContains("resolve") || text.contains("getaddrinfo") { return "the host name does not resolve" }
        return "connection failed"
    }
}
