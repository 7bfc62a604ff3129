import AsyncHTTPClient
import Crypto
import Domain
import Foundation
import JWTKit
import Logging
import NIOCore
import NIOHTTP1

/// The relying party's side of OpenID Connect: discovery, the authorization request (code flow with PKCE, `state`
/// and `nonce`), the token exchange and the ID token's signature, checked by jwt-kit against the provider's JWKS.
/// The keys are cached and fetched again when a token names a key id the cache does not hold (the provider
/// rotated its keys); such refetches happen at most once every `refreshInterval`, so tokens with made-up key
/// ids cannot make the app hammer the provider.
actor OpenIDClient {
    struct Discovery: Decodable, Sendable {
        let issuer: String
        let authorization_endpoint: String
        let token_endpoint: String
        let jwks_uri: String
        let end_session_endpoint: String?
        let token_endpoint_auth_methods_supported: [String]?
    }

    enum Failure: Error, CustomStringConvertible {
        case provider(String)
        case token(IDTokenProblem)
        case signature(String)

        var description: String {
            switch self {
            case let .provider(why): "identity provider: \(why)"
            case let .token(problem): "ID token refused: \(problem)"
            case let .signature(why): "ID token signature refused: \(why)"
            }
        }
    }

    /// What the browser's session keeps between the redirect to the provider and the way back.
    struct Pending: Sendable {
        let state: String
        let nonce: String
        let verifier: String
    }

    static let refreshInterval: TimeInterval = 30
    static let maxResponseBytes = 256 * 1024

    let settings: SignInSettings.OpenID
    private let http: HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var discovery: Discovery?
    private var keys = JWTKeyCollection()
    private var knownKeyIDs: Set<String> = []
    /// When a token's unknown key id last made the client fetch the keys again.
    private var lastRefetch = Date.distantPast

    init(settings: SignInSettings.OpenID, http: HTTPClient, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.settings = settings
        self.http = http
        self.logger = logger
        self.now = now
    }

    /// A fresh `state`, `nonce` and PKCE verifier (each 256 random bits, base64url).
    nonisolated static func newPending() -> Pending {
        func random() -> String { base64URL(Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })) }
        return Pending(state: random(), nonce: random(), verifier: random())
    }

    /// The provider's authorization address for this sign-in.
    func authorizationURL(_ pending: Pending, redirectURI: String) async throws -> String {
        let discovery = try await discovered()
        let challenge = Self.base64URL(Array(SHA256.hash(data: Data(pending.verifier.utf8))))
        let query: [(String, String)] = [
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", redirectURI), ("scope", settings.scopes),
            ("state", pending.state), ("nonce", pending.nonce), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ]
        let separator = discovery.authorization_endpoint.contains("?") ? "&" : "?"
        return discovery.authorization_endpoint + separator + Self.formEncoded(query)
    }

    /// The provider's end-session address that comes back to `returnTo`, when it has one.
    func endSessionURL(returnTo: String) async -> String? {
        guard let endpoint = try? await discovered().end_session_endpoint else { return nil }
        let separator = endpoint.contains("?") ? "&" : "?"
        return endpoint + separator + Self.formEncoded([("client_id", settings.clientID), ("post_logout_redirect_uri", returnTo)])
    }

    /// Trades the authorization code for tokens and returns the ID token's claims once its signature, issuer,
    /// audience, times and nonce are checked.
    func claims(code: String, pending: Pending, redirectURI: String) async throws -> [String: ClaimValue] {
        let discovery = try await discovered()
        var form: [(String, String)] = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", pending.verifier),
            ("client_id", settings.clientID),
        ]
        var request = HTTPClientRequest(url: discovery.token_endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let methods = discovery.token_endpoint_auth_methods_supported ?? ["client_secret_basic"]
        if methods.contains("client_secret_basic") || !methods.contains("client_secret_post") {
            let pair = Self.formComponent(settings.clientID) + ":" + Self.formComponent(settings.clientSecret)
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        } else {
            form.append(("client_secret", settings.clientSecret))
        }
        request.body = .bytes(ByteBuffer(string: Self.formEncoded(form)))
        struct TokenResponse: Decodable { let id_token: String? }
        let (status, body) = try await send(request)
        guard status == .ok else { throw Failure.provider("the token endpoint answered \(status.code)") }
        guard let token = (try? JSONDecoder().decode(TokenResponse.self, from: body))?.id_token else {
            throw Failure.provider("the token endpoint sent no id_token")
        }
        let payload = try await verified(token)
        do {
            try IDTokenRules.check(payload.claims, issuer: settings.issuer, clientID: settings.clientID, nonce: pending.nonce, now: now())
        } catch let problem as IDTokenProblem {
            throw Failure.token(problem)
        }
        return payload.claims
    }

    // MARK: - Keys

    private func verified(_ token: String) async throws -> IDTokenPayload {
        let header = try Self.header(of: token)
        guard let alg = header.alg, !alg.lowercased().hasPrefix("hs"), alg.lowercased() != "none" else {
            throw Failure.signature("alg \(header.alg ?? "missing") is not a public-key algorithm")
        }
        if knownKeyIDs.isEmpty {
            logger.info("identity provider: fetching its keys", metadata: ["reason": "first use"])
            try await fetchKeys()
        } else if let kid = header.kid, !knownKeyIDs.contains(kid), now().timeIntervalSince(lastRefetch) >= Self.refreshInterval {
            logger.info("identity provider: fetching its keys", metadata: ["reason": "unknown key id"])
            lastRefetch = now()
            try await fetchKeys()
        }
        do {
            return try await keys.verify(token, as: IDTokenPayload.self)
        } catch {
            throw Failure.signature(String(describing: error).prefix(200).description)
        }
    }

    private func fetchKeys() async throws {
        let discovery = try await discovered()
        let (status, body) = try await send(HTTPClientRequest(url: discovery.jwks_uri))
        guard status == .ok else { throw Failure.provider("jwks_uri answered \(status.code)") }
        struct KeyIDs: Decodable { struct Key: Decodable { let kid: String? }; let keys: [Key] }
        guard let ids = try? JSONDecoder().decode(KeyIDs.self, from: body),
              let jwks = try? JSONDecoder().decode(JWKS.self, from: body) else { throw Failure.provider("jwks_uri sent no key set") }
        let fresh = JWTKeyCollection()
        for key in jwks.keys where key.keyIdentifier != nil {
            _ = try? await fresh.add(jwk: key)
        }
        keys = fresh
        knownKeyIDs = Set(ids.keys.compactMap(\.kid))
    }

    private func discovered() async throws -> Discovery {
        if let discovery { return discovery }
        let (status, body) = try await send(HTTPClientRequest(url: settings.issuer + "/.well-known/openid-configuration"))
        guard status == .ok, let document = try? JSONDecoder().decode(Discovery.self, from: body) else {
            throw Failure.provider("discovery at \(settings.issuer)/.well-known/openid-configuration failed (\(status.code))")
        }
        // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched from.
        guard document.issuer == settings.issuer || document.issuer == settings.issuer + "/" else {
            throw Failure.provider("discovery names another issuer")
        }
        discovery = document
        return document
    }

    private func send(_ request: HTTPClientRequest) async throws -> (HTTPResponseStatus, Data) {
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: Self.maxResponseBytes)
            return (response.status, Data(body.readableBytesView))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.provider("\(request.url.prefix(200)) could not be reached (\(String(describing: error).prefix(120)))")
        }
    }

    // MARK: - Encoding

    struct Header: Decodable { let alg: String?; let kid: String? }

    static func header(of token: String) throws -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count < 4_096, let data = base64URLDecode(String(parts[0])),
              let header = try? JSONDecoder().decode(Header.self, from: data) else { throw Failure.signature("not a signed JWT") }
        return header
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    /// Letters, digits, `-`, `_` and `.` as they are, every other byte as `%XX`: form encoding (RFC 6749 §2.3.1 for the
    /// client credentials) with the encoder page links use.
    static func formComponent(_ text: String) -> String { PagePath.segment(text) }

    static func formEncoded(_ pairs: [(String, String)]) -> String {
        pairs.map { formComponent($0.0) + "=" + formComponent($0.1) }.joined(separator: "&")
    }
}

/// Every claim of an ID token, kept as it came; `IDTokenRules` checks them once jwt-kit has checked the signature.
struct IDTokenPayload: JWTPayload {
    let claims: [String: ClaimValue]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var claims: [String: ClaimValue] = [:]
        for key in container.allKeys.prefix(200) {
            if let text = try? container.decode(String.self, forKey: key) {
                claims[key.stringValue] = .string(text)
            } else if let flag = try? container.decode(Bool.self, forKey: key) {
                claims[key.stringValue] = .bool(flag)
            } else if let number = try? container.decode(Double.self, forKey: key) {
                claims[key.stringValue] = .number(number)
            } else if let list = try? container.decode([String].self, forKey: key) {
                claims[key.stringValue] = .strings(Array(list.prefix(1_000)))
            } else {
                claims[key.stringValue] = .other
            }
        }
        self.claims = claims
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in claims {
            let key = Key(stringValue: name)
            switch value {
            case let .string(text): try container.encode(text, forKey: key)
            case let .bool(flag): try container.encode(flag, forKey: key)
            case let .number(number): try container.encode(number, forKey: key)
            case let .strings(list): try container.encode(list, forKey: key)
            case .other: break
            }
        }
    }

    /// The claims are checked by `IDTokenRules` with the settings and this sign-in's nonce, which jwt-kit cannot see.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
