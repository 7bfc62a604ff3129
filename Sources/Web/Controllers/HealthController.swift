import Persistence
import Vapor

struct HealthController: Sendable {
    struct Health: Content {
        let status: String
        let database: String
    }

    func check(req: Request) async throws -> Response {
        let engine = req.context.config.database.engineName
        do {
            try await req.application.persistence.ping()
            return try await Health(status: "ok", database: engine).encodeResponse(status: .ok, for: req)
        } catch {
            req.logger.error("health check: database unreachable", metadata: ["error": .string(String(describing: type(of: error)))])
            return try await Health(status: "unavailable", database: engine).encodeResponse(status: .serviceUnavailable, for: req)
        }
    }
}
