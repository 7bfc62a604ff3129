import Domain
import FluentKit
import Foundation

struct FluentCanvasWriteRepository: CanvasWriteRepository {
    let database: any Database

    func create(_ write: CanvasWrite, by actor: Actor) async throws {
        try await AuditedWrite.run(on: database) { tx in
            try await CanvasWriteModel(write).create(on: tx)
            let action = write.state == .proposed ? "canvas_write_proposed" : "canvas_write_recorded"
            return ((), [AuditEntry(occurredAt: write.requestedAt, actor: actor, entityType: "canvas_write", entityID: write.id.description, action: action,
                                    summary: "\(write.title): \(write.reason)")])
        }
    }

    func update(_ id: CanvasWrite.ID, by actor: Actor, at now: Date, _ change: @escaping @Sendable (inout CanvasWrite) throws -> CanvasWriteChange) async throws -> CanvasWrite {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await CanvasWriteModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "Canvas write") }
            var write = try model.toDomain()
            let step = try change(&write)
            write.version += 1
            write.updatedAt = now
            model.apply(write)
            try await model.update(on: tx)
            return (write, [AuditEntry(occurredAt: now, actor: actor, entityType: "canvas_write", entityID: id.description, action: step.action,
                                       summary: "\(write.title) — \(step.summary)")])
        }
    }

    func find(_ id: CanvasWrite.ID) async throws -> CanvasWrite? {
        try await CanvasWriteModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(_ query: CanvasWriteQuery) async throws -> [CanvasWrite] {
        var builder = CanvasWriteModel.query(on: database)
        if let states = query.states { builder = builder.filter(\.$state ~~ states.map(\.rawValue)) }
        if let integration = query.integrationID { builder = builder.filter(\.$integrationID == integration.rawValue) }
        return try await builder.sort(\.$requestedAt, .descending).limit(max(1, min(query.limit, 1000))).all().map { try $0.toDomain() }
    }

    func open(action: CanvasWriteAction, objectID: String) async throws -> [CanvasWrite] {
        try await CanvasWriteModel.query(on: database).filter(\.$objectID == objectID).filter(\.$action == action.rawValue)
            .filter(\.$state ~~ CanvasWriteState.allCases.filter(\.isOpen).map(\.rawValue)).all().map { try $0.toDomain() }
    }
}
