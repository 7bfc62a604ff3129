import FluentKit
import Foundation

/// Sessions live in the database so several app instances share them. The web app's session driver
/// stores each session's values (strings by name) under its random key.
public protocol SessionRepository: Sendable {
    func create(key: String, data: [String: String], at now: Date) async throws
    func read(key: String) async throws -> [String: String]?
    func update(key: String, data: [String: String], at now: Date) async throws
    func delete(key: String) async throws
    /// Deletes every session not written since `cutoff`; returns how many.
    func deleteIdle(before cutoff: Date) async throws -> Int
    func count() async throws -> Int
}

struct FluentSessionRepository: SessionRepository {
    let database: any Database

    func create(key: String, data: [String: String], at now: Date) async throws {
        try await SessionModel(key: key, data: data, lastSeen: now).create(on: database)
    }

    func read(key: String) async throws -> [String: String]? {
        try await SessionModel.query(on: database).filter(\.$key == key).first()?.data
    }

    func update(key: String, data: [String: String], at now: Date) async throws {
        try await SessionModel.query(on: database).filter(\.$key == key).set(\.$data, to: data).set(\.$lastSeen, to: now).update()
    }

    func delete(key: String) async throws {
        try await SessionModel.query(on: database).filter(\.$key == key).delete()
    }

    func deleteIdle(before cutoff: Date) async throws -> Int {
        let idle = SessionModel.query(on: database).group(.or) { $0.filter(\.$lastSeen < cutoff).filter(\.$lastSeen == nil) }
        let count = try await idle.copy().count()
        if count > 0 { try await idle.delete() }
        return count
    }

    func count() async throws -> Int { try await SessionModel.query(on: database).count() }
}
