import Domain
import FluentKit
import Foundation

struct FluentCatalogRepository: CatalogRepository {
    let database: any Database

    func importedEntries() async throws -> [CatalogEntry] {
        try await CatalogEntryModel.query(on: database).sort(\.$template).sort(\.$method).all().map { try $0.toDomain() }
    }

    func revision() async throws -> String {
        let count = try await CatalogEntryModel.query(on: database).count()
        let latest = try await CatalogEntryModel.query(on: database).sort(\.$importedAt, .descending).first()?.importedAt
        return "\(count)@\(latest?.timeIntervalSince1970 ?? 0)"
    }

    func importEntries(
        _ entries: [CatalogEntry], skipped: Int, known: Set<String>, source: String, by actor: Actor, at now: Date
    ) async throws -> CatalogImportOutcome {
        try await AuditedWrite.run(on: database) { tx in
            let stored = Set(try await CatalogEntryModel.query(on: tx).all().map { "\($0.method) \($0.template)" })
            var added: [CatalogEntry] = []
            for entry in entries where !known.contains(entry.key) && !stored.contains(entry.key) {
                let model = CatalogEntryModel()
                model.method = entry.verb.rawValue
                model.template = entry.template.text
                model.groupName = entry.group
                model.kinds = entry.kinds.sorted().map(\.rawValue).joined(separator: ",")
                model.source = source
                model.importedAt = now
                model.importedBy = actor.label
                try await model.create(on: tx)
                added.append(entry)
            }
            let outcome = CatalogImportOutcome(added: added.count, alreadyKnown: entries.count - added.count, skipped: skipped)
            let sample = added.prefix(5).map(\.key).joined(separator: ", ") + (added.count > 5 ? ", …" : "")
            let event = AuditEntry(
                occurredAt: now, actor: actor, entityType: "catalog", entityID: "canvas-endpoints", action: "import",
                summary: "Imported from \(source): \(outcome.sentence)" + (added.isEmpty ? "" : " New: \(sample)"))
            return (outcome, [event])
        }
    }
}
