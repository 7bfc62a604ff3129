import Domain
import Vapor

struct AuditRowContext: Encodable {
    let sequence: Int64
    let at: String
    let actor: String
    let entity: String
    let action: String
    let summary: String
    let hash: String

    init(_ event: AuditEvent) {
        sequence = event.sequence
        at = Format.dateTime(event.occurredAt)
        actor = event.actorLabel
        entity = "\(event.entityType) \(event.entityID.prefix(8))"
        action = event.action
        summary = event.summary
        hash = String(event.hash.prefix(12))
    }
}

struct AuditContext: Encodable {
    let layout: LayoutContext
    let rows: [AuditRowContext]
    let entityTypeOptions: [SelectOption]
    let action: String
    let actor: String
    let entityID: String
    let from: String
    let to: String
    let pager: PagerContext
    let filterError: String?
}
