import Domain
import Vapor

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
