import Vapor

/// Which methods the app routes for a path: a request whose path is routed, but not for its method
/// (TRACE, or DELETE where only GET exists), gets 405 with an `Allow` header instead of 404.
enum AllowedMethods {
    static func of(_ path: String, in routes: Vapor.Routes) -> [HTTPMethod] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count <= 64 else { return [] }
        var methods: [HTTPMethod] = []
        for route in routes.all where matches(route.path, parts) {
            if !methods.contains(route.method) { methods.append(route.method) }
        }
        // Vapor answers HEAD for every GET route.
        if methods.contains(.GET), !methods.contains(.HEAD) { methods.append(.HEAD) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    private static func matches(_ pattern: [PathComponent], _ parts: [Substring]) -> Bool {
        var index = 0
        for component in pattern {
            switch component {
            case .catchall: return index < parts.count
            case .anything, .parameter:
                guard index < parts.count else { return false }
            case let .constant(text):
                guard index < parts.count, parts[index] == text else { return false }
            }
            index += 1
        }
        return index == parts.count
    }
}
