import Domain
import Vapor

/// Who may use a route. Every route declares one, in `routes.swift`.
public enum Access: Sendable, Hashable, CustomStringConvertible {
    /// No sign-in needed (login form, health check, API description).
    case anyone
    /// Any signed-in, active user.
    case signedIn
    /// Only these roles.
    case roles(Set<Role>)

    public static let adminOnly = Access.roles([.admin])
    public static let auditTrail = Access.roles([.admin, .auditor])

    public func allows(_ role: Role?) -> Bool {
        switch self {
        case .anyone: true
        case .signedIn: role != nil
        case let .roles(roles): role.map(roles.contains) ?? false
        }
    }

    public var description: String {
        switch self {
        case .anyone: "anyone"
        case .signedIn: "any signed-in user"
        case let .roles(roles): roles.sorted().map(\.rawValue).joined(separator: ", ")
        }
    }
}

/// One registered route and its access rule, as the role-matrix test reads them.
public struct RouteSpec: Sendable {
    public enum Kind: Sendable, Hashable { case page, api }

    public let method: HTTPMethod
    public let path: String
    public let access: Access
    public let kind: Kind
}

final class RouteRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var _specs: [RouteSpec] = []

    func add(_ spec: RouteSpec) { lock.withLock { _specs.append(spec) } }
    var specs: [RouteSpec] { lock.withLock { _specs } }
}

extension Application {
    private struct RegistryKey: StorageKey { typealias Value = RouteRegistry }

    var routeRegistry: RouteRegistry {
        if let registry = storage[RegistryKey.self] { return registry }
        let registry = RouteRegistry()
        storage[RegistryKey.self] = registry
        return registry
    }

    /// Every route with its declared access.
    public var routeSpecs: [RouteSpec] { routeRegistry.specs }
}

/// Registers routes together with their access rule, so no route exists without one.
struct AccessRoutes {
    let builder: any RoutesBuilder
    let registry: RouteRegistry
    let kind: RouteSpec.Kind
    /// The path prefix of `builder`, recorded so specs hold full paths ("api/v1/vendors").
    var prefix: String = ""

    func on<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: String, access: Access,
        maxBodySize: Int? = nil,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        registry.add(RouteSpec(method: method, path: prefix + path, access: access, kind: kind))
        var middleware: [any Middleware] = [AccessMiddleware(access: access, kind: kind)]
        if kind == .page && method != .GET && method != .HEAD { middleware.append(CSRFMiddleware(maxBodySize: maxBodySize)) }
        let components = path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
        let body: HTTPBodyStreamStrategy = maxBodySize.map { .collect(maxSize: ByteCount(value: $0)) } ?? .collect
        builder.grouped(middleware).on(method, components, body: body, use: handler)
    }

    /// A page route, registered under its `PagePath` pattern (the one links are built from).
    func on<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: PagePath, access: Access, maxBodySize: Int? = nil,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        on(method, path.rawValue, access: access, maxBodySize: maxBodySize, use: handler)
    }

    func get<R: AsyncResponseEncodable>(_ path: PagePath, access: Access, use handler: @escaping @Sendable (Request) async throws -> R) {
        on(.GET, path, access: access, use: handler)
    }

    func post<R: AsyncResponseEncodable>(_ path: PagePath, access: Access, use handler: @escaping @Sendable (Request) async throws -> R) {
        on(.POST, path, access: access, use: handler)
    }

    func get<R: AsyncResponseEncodable>(_ path: String, access: Access, use handler: @escaping @Sendable (Request) async throws -> R) {
        on(.GET, path, access: access, use: handler)
    }

    func post<R: AsyncResponseEncodable>(_ path: String, access: Access, use handler: @escaping @Sendable (Request) async throws -> R) {
        on(.POST, path, access: access, use: handler)
    }

    func patch<R: AsyncResponseEncodable>(_ path: String, access: Access, use handler: @escaping @Sendable (Request) async throws -> R) {
        on(.PATCH, path, access: access, use: handler)
    }
}
