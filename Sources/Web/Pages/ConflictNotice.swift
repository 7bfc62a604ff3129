import Domain
import Vapor

/// After a stale save (someone else saved first), what they changed, read from the audit trail, so
/// the person can compare before saving again. The layout shows it at the top of the page.
struct ConflictNotice: Encodable {
    struct Change: Encodable {
        let who: String
        let when: String
        let what: String
    }

    let changes: [Change]

    private struct Key: StorageKey { typealias Value = ConflictNotice }

    /// Records the notice for this request's page when `error` is a stale version.
    static func note(_ error: DomainError, on req: Request, entityType: String, entityID: String) async {
        guard case let .staleVersion(_, expected, actual) = error, actual > expected else { return }
        let events = (try? await req.store.audit.events(entityType: entityType, entityID: entityID)) ?? []
        // The newest changes, one per version they are ahead (at most five).
        let recent = events.filter { $0.action != "view" }.suffix(min(5, actual - expected))
        req.storage[Key.self] = ConflictNotice(changes: recent.map {
            Change(who: $0.actorLabel, when: Format.dateTime($0.occurredAt), what: $0.summary)
        })
    }

    static func current(_ req: Request) -> ConflictNotice? { req.storage[Key.self] }
}
