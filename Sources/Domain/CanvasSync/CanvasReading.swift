import Foundation

/// Why talking to Canvas failed, in words an admin can act on. Never carries the token.
public enum CanvasError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 401: the token was refused (expired, deleted or mistyped).
    case tokenRefused
    /// 404 on an endpoint that exists only on the root account.
    case notFound(path: String)
    /// 403 (not throttling): the token lacks a permission.
    case forbidden(path: String)
    /// Still throttled after every retry.
    case throttled(path: String)
    case status(Int, path: String)
    case tooLarge(path: String, limit: Int)
    case wire(path: String, problem: String)
    case unreachable(String)
    case timedOut(path: String)
    /// A `Link` or report URL pointing away from the Canvas host (never followed with the token).
    case foreignURL(String)

    public var description: String {
        switch self {
        case .tokenRefused: "Canvas refused the token (401): it may have expired or been deleted. Put a current admin token in CANVAS_TOKEN_FILE."
        case .notFound(let path): "Canvas answered 404 for \(path): developer keys, bindings and LTI registrations exist only on the root account — set CANVAS_ACCOUNT_ID to the root account (or self)."
        case .forbidden(let path): "Canvas answered 403 for \(path): this token's user lacks the permission."
        case .throttled(let path): "Canvas kept throttling \(path) after every retry; try again later."
        case .status(let code, let path): "Canvas answered \(code) for \(path)."
        case .tooLarge(let path, let limit): "Canvas sent more than \(limit / 1_048_576) MB for one page of \(path); refused."
        case .wire(let path, let problem): "Canvas's answer for \(path) could not be read: \(problem)."
        case .unreachable(let why): "Canvas could not be reached: \(why)."
        case .timedOut(let path): "Canvas did not answer \(path) in time."
        case .foreignURL(let host): "Canvas pointed to another host (\(host)); not followed with the token."
        }
    }
}

/// The calls a sync and the enforcement make. `CanvasAPI.CanvasClient` talks HTTP; a test may answer from memory.
public protocol CanvasReading: Sendable {
    /// The Canvas address, for records and pages (never the token).
    var address: String { get }
    func get(_ path: String, query: [(String, String)]) async throws -> Data
    /// Every page of a listing, following `rel="next"`; one body a page.
    func list(_ path: String, query: [(String, String)]) async throws -> [Data]
    func post(_ path: String, form: [(String, String)]) async throws -> Data
    /// A change (POST, PUT, DELETE) with a form or a JSON body. Sent again only after throttling; after
    /// a 5xx or a time-out it may have taken effect, so the caller reads Canvas back rather than resend.
    func write(_ method: String, _ path: String, form: [(String, String)], json: Data?) async throws -> Data
    /// A report file (same host with the token; elsewhere without it).
    func download(_ url: String) async throws -> Data
    /// Requests made so far, retries included.
    func requestCount() async -> Int
    /// Ends the connection; the reader is not used after.
    func close() async
    /// Waits between report polls (a test double answers at once).
    func pause(seconds: Double) async throws
}
