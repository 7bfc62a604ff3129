import Foundation

/// What the Canvas double serves and how it misbehaves, read from a JSON scenario file. Objects are
/// written in Canvas's own field names; the double renders them in the shapes Canvas's REST API
/// documents (and, where Canvas differs from its documentation, the way Canvas really answers).
public struct CanvasScenario: Codable, Sendable {
    /// The one admin token the double accepts; anything else gets 401.
    public var token: String
    public var account: Account
    public var subAccounts: [Account]?
    /// Answers for `…/permissions?permissions[]=…`; a permission not named is false.
    public var permissions: [String: Bool]?
    public var developerKeys: [Key]?
    public var inheritedKeys: [Key]?
    /// Nil: the institution has not enabled LTI registrations (404).
    public var ltiRegistrations: [Registration]?
    /// External tools by account id (the root's under its id).
    public var externalTools: [String: [Tool]]?
    /// Manual tokens by Canvas user id.
    public var userTokens: [String: [UserToken]]?
    public var quirks: Quirks?
    /// Synthetic bulk for benchmarks, added to what is listed above.
    public var generate: Generate?

    public init(token: String, account: Account) {
        self.token = token
        self.account = account
    }

    public struct Account: Codable, Sendable {
        public var id: String
        public var name: String
        public var parentAccountId: String?

        public init(id: String, name: String, parentAccountId: String? = nil) {
            self.id = id
            self.name = name
            self.parentAccountId = parentAccountId
        }
    }

    public struct Key: Codable, Sendable {
        public var id: String
        public var name: String
        public var workflowState: String?
        /// The binding's state in the root account: on, off or allow.
        public var binding: String?
        public var scopes: [String]?
        public var requireScopes: Bool?
        public var allowIncludes: Bool?
        public var redirectUris: [String]?
        public var isLtiKey: Bool?
        public var accessTokenCount: Int?
        public var lastUsedAt: String?
        public var createdAt: String?
        public var vendorCode: String?
        public var email: String?
        public var notes: String?
        /// For inherited keys: global or federated_parent.
        public var inheritedFrom: String?

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public struct Registration: Codable, Sendable {
        public var id: String
        public var name: String
        public var vendor: String?
        public var developerKeyId: String?
        public var inherited: Bool?
        public var workflowState: String?
        public var binding: String?
        public var privacyLevel: String?
        public var scopes: [String]?
        public var placements: [String]?

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public struct Tool: Codable, Sendable {
        public var id: String
        public var name: String
        public var domain: String?
        public var url: String?
        public var privacyLevel: String?
        public var workflowState: String?
        public var developerKeyId: String?
        public var ltiRegistrationId: String?
        public var deploymentId: String?
        public var version: String?
        public var placements: [String]?

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public struct UserToken: Codable, Sendable {
        public var id: String
        public var purpose: String?
        public var createdAt: String?
        public var expiresAt: String?
        public var lastUsedAt: String?
        public var workflowState: String?
        public var scopes: [String]?

        public init(id: String) { self.id = id }
    }

    /// Ways the double behaves like a busy or broken Canvas.
    public struct Quirks: Codable, Sendable {
        /// Every n-th request is throttled (0: never).
        public var throttleEvery: Int?
        /// "429" (since October 2025) or "403" (the older `403 Forbidden (Rate Limit Exceeded)` text body).
        public var throttleStyle: String?
        /// Link URLs as paths only (Canvas writes absolute URLs; proxies sometimes do not).
        public var relativeLinks: Bool?
        /// Write Link URLs on this origin instead (a misconfigured proxy; the client must not follow them).
        public var linkOrigin: String?
        /// Leave out `rel="last"` (Canvas drops it when the header would grow too long).
        public var omitLast: Bool?
        /// Serve `500` for this path's n-th page (1-based), `times` times in a row.
        public var serverError: PageFault?
        /// Answer this path's n-th page only after `milliseconds`.
        public var slowPage: PageFault?
        /// Send more than 16 MB for this path.
        public var oversizePath: String?
        /// Send JSON nested 200 deep for this path.
        public var deepPath: String?
        /// Polls of a report answered "running" before it is complete.
        public var reportPolls: Int?
        /// What the bucket starts at, and the cost of each request (`X-Rate-Limit-Remaining`, `X-Request-Cost`).
        public var rateLimitStart: Double?
        public var requestCost: Double?
        /// Answer a change request of this kind with this status, `times` times (after making it, if `applied`).
        public var writeFault: WriteFault?
        /// Hold every change request this long before answering (to make two writers overlap).
        public var writeDelayMilliseconds: Int?

        public init() {}
    }

    public struct WriteFault: Codable, Sendable {
        /// `binding` (developer key account binding), `registration_bind` or `token_delete`.
        public var action: String
        public var status: Int
        /// True: the change is made before the error is answered (Canvas failed after committing).
        public var applied: Bool?
        public var times: Int?

        public init(action: String, status: Int, applied: Bool = false, times: Int = 1) {
            self.action = action
            self.status = status
            self.applied = applied
            self.times = times
        }
    }

    public struct PageFault: Codable, Sendable {
        public var path: String
        public var page: Int?
        public var times: Int?
        public var milliseconds: Int?

        public init(path: String, page: Int = 1, times: Int = 1, milliseconds: Int = 0) {
            self.path = path
            self.page = page
            self.times = times
            self.milliseconds = milliseconds
        }
    }

    /// Bulk for the benchmark: keys, sub-accounts with tools spread over them, and token holders.
    public struct Generate: Codable, Sendable {
        public var developerKeys: Int?
        public var subAccounts: Int?
        public var tools: Int?
        public var tokenUsers: Int?
        public var tokensPerUser: Int?

        public init() {}
    }

    public static func load(_ path: String) throws -> CanvasScenario {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(CanvasScenario.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
