import Foundation

/// How to reach the institution's Canvas: `CANVAS_URL` (https, or http only on loopback),
/// `CANVAS_TOKEN_FILE` (a file holding an admin access token), `CANVAS_ACCOUNT_ID` (default `self`) and
/// `CANVAS_ENFORCE` (off, the default, or on).
public struct CanvasSettings: Sendable {
    public var baseURL: URL
    /// Read from the file at start; kept only in memory.
    public var token: String
    public var accountID: String
    public var perPage = 100
    public var maxPages = 5_000
    public var maxPageBytes = 16 * 1_048_576
    public var connectTimeout: Double = 10
    public var readTimeout: Double = 30
    public var requestTimeout: Double = 60
    public var maxRetries = 4
    public var retryBackoff: Double = 0.5
    public var throttleBackoff: Double = 2
    /// Below this many units of `X-Rate-Limit-Remaining`, pause up to `maxSlowdown` seconds a request.
    public var slowBelowRemaining: Double = 200
    public var maxSlowdown: Double = 2
    /// Multiplies every wait (tests set it near 0).
    public var delayScale: Double = 1
    /// `CANVAS_ENFORCE=on`: the gate switches keys on in Canvas; lifecycle and policy switch them off.
    public var enforce = false

    public init(baseURL: URL, token: String, accountID: String = "self") {
        self.baseURL = baseURL
        self.token = token
        self.accountID = accountID
    }

    /// A setting that cannot be used, naming the variable (never a value).
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let variable: String
        public let why: String
        public var description: String { "\(variable): \(why)" }
    }

    /// Nil when `CANVAS_URL` is unset (the Canvas connection is optional).
    public static func from(environment: [String: String]) throws -> CanvasSettings? {
        let enforce = try enforce(environment: environment)
        // CANVAS_ENFORCE=on without a Canvas is refused by `serve` (only the demo brings its own Canvas).
        guard let raw = environment["CANVAS_URL"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        let url = try validatedURL(raw)
        guard let path = environment["CANVAS_TOKEN_FILE"], !path.isEmpty else {
            throw Problem(variable: "CANVAS_TOKEN_FILE", why: "set it to a file holding a Canvas admin access token")
        }
        let token = try readToken(path)
        let account = environment["CANVAS_ACCOUNT_ID"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? "self"
        guard account == "self" || account.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "~") }) || account.hasPrefix("sis_account_id:"), account.count <= 80 else {
            throw Problem(variable: "CANVAS_ACCOUNT_ID", why: "use self, a Canvas account id (digits or shard~id) or sis_account_id:…")
        }
        var settings = CanvasSettings(baseURL: url, token: token, accountID: account)
        settings.enforce = enforce
        if let scale = environment["CANVAS_DELAY_SCALE"].flatMap(Double.init), (0...1).contains(scale) { settings.delayScale = scale }
        return settings
    }

    /// `CANVAS_ENFORCE`: off (or unset) or on; anything else names the variable.
    public static func enforce(environment: [String: String]) throws -> Bool {
        switch environment["CANVAS_ENFORCE"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? "" {
        case "", "off": return false
        case "on": return true
        default: throw Problem(variable: "CANVAS_ENFORCE", why: "use off (read and report only) or on (switch keys in Canvas)")
        }
    }

    public static func validatedURL(_ raw: String) throws -> URL {
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              url.user == nil, url.password == nil, url.query == nil else {
            throw Problem(variable: "CANVAS_URL", why: "not an address such as https://canvas.example.edu")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw Problem(variable: "CANVAS_URL", why: "must use https (plain http only on loopback)")
        }
        return url
    }

    public static func readToken(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(variable: "CANVAS_TOKEN_FILE", why: "cannot read the file it names")
        }
        guard data.count <= 4096, let text = String(data: data, encoding: .utf8) else {
            throw Problem(variable: "CANVAS_TOKEN_FILE", why: "the file does not hold a token (expected one line of text)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: { $0.isWhitespace || $0.isNewline }), token.allSatisfy(\.isASCII) else {
            throw Problem(variable: "CANVAS_TOKEN_FILE", why: "the file does not hold a token (expected one line of text)")
        }
        return token
    }
}
