import Domain
import FluentKit
import Foundation

/// Only for `vendor-review-bench`: appends synthetic, correctly chained audit events quickly, so an
/// export of a million events can be measured. The app never calls this.
public enum BenchmarkSeeding {
    public static func appendAuditEvents(_ handle: DatabaseHandle, count: Int, batch: Int = 5_000, progress: (Int) -> Void = { _ in }) async throws {
        var written = 0
        let actors = (0..<8).map { _ in User.ID(UUID()) }
        while written < count {
            let size = min(batch, count - written)
            try await handle.database.transaction { tx in
                guard let head = try await AuditHeadModel.find(1, on: tx) else { throw PersistenceError.missingChainHead }
                var sequence = head.lastSequence
                var previous = head.lastHash
                var models: [AuditEventModel] = []
                for i in 0..<size {
                    sequence += 1
                    // Three events in four name one of eight people, as a trail of staff changes does; the rest the system.
                    let actor = i % 4 == 0 ? Actor(userID: nil, label: "benchmark seed")
                        : Actor(userID: actors[i % actors.count], label: "person \(i % actors.count) (admin)")
                    let entry = AuditEntry(occurredAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(sequence)), actor: actor,
                                           entityType: "vendor", entityID: "bench-\(i % 100)", action: "update", summary: "benchmark event \(sequence) — a summary of typical length")
                    let event = AuditChain.seal(entry, sequence: sequence, previousHash: previous)
                    models.append(AuditEventModel(event))
                    previous = event.hash
                }
                try await models.create(on: tx)
                head.lastSequence = sequence
                head.lastHash = previous
                try await head.update(on: tx)
            }
            written += size
            progress(written)
        }
    }
}
