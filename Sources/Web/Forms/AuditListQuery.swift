import Vapor

struct AuditListQuery: Content {
    var entityType: String?
    var entityID: String?
    var action: String?
    var actor: String?
    var from: String?
    var to: String?
    var page: Int?
}
