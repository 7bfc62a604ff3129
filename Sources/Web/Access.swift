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
    /// Every signed-in role reads records.
    static let readers = Access.signedIn
    /// Admins keep the records.
    static let editors = Access.adminOnly
    /// Reviewers record marks, findings and decisions; admins may too.
    static let reviewers = Access.roles([.admin, .reviewer])

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

