import Domain
import FluentKit
import Foundation

final class ReminderSentModel: Model, @unchecked Sendable {
    static let schema = "reminders_sent"

    @ID(key: .id) var id: UUID?
    @Field(key: "reminder_key") var key: String
    @Field(key: "sent_at") var sentAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $key, $sentAt] }

    init() {}
}
