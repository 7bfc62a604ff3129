import FluentKit
import Foundation

/// A signed-in person's session: the same table and columns Fluent's own session driver used
/// (`_fluent_sessions`: key, data as JSON), so existing sessions stay valid.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "_fluent_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "data") var data: [String: String]
    @OptionalField(key: "last_seen") var lastSeen: Date?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $key, $data, $lastSeen] }

    init() {}

    init(key: String, data: [String: String], lastSeen: Date) {
        self.key = key
        self.data = data
        self.lastSeen = lastSeen
    }
}
