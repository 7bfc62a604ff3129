import FluentKit
import Foundation

/// Sessions live in the database so several app instances share them. The web app's session driver
/// stores each session's values (strings by name) under its random key.
public protocol SessionRepository: Sendable {
    func create(key: String, data: [String: String]) async throws
    func read(key: String) async throws -> [String: String]?
    func update(key: String, data: [String: String]) async throws
    func delete(key: String) async throws
}

struct FluentSessionRepository: SessionRepository {
    let database: any Database

    func create(key: String, data: [String: String]) async throws {
        try await SessionModel(key: key, data: data).create(on: database)
    }

    func read(key: String) async throws -> [String: String]? {
        try await SessionModel.query(on: database).filter(\.$key == key).first()?.data
    }

    func update(key: String, data: [String: String]) async throws {
        try await SessionModel.query(on: database).filter(\.$key == key).set(\.$data, to: data).update()
    }

    func delete(key: String) async throws {
        try await SessionModel.query(on: database).filter(\.$key == key).delete()
    }
}
