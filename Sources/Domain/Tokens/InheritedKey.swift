import Foundation

/// Canvas's states for an inherited (global) developer key in this account.
public enum InheritedKeyState: String, CaseIterable, Codable, Sendable {
    case on, off, allow

    public var label: String {
        switch self {
        case .on: "On"
        case .off: "Off"
        case .allow: "Allow (sub-accounts may turn it on)"
        }
    }
}

public struct InheritedKeyFields: Equatable, Sendable {
    public var name: String
    public var vendor: String
    public var canvasKeyID: String?
    public var state: InheritedKeyState
    public var dependents: [Integration.ID]
    public var reviewed: Bool
    public var notes: String?

    public init(name: String, vendor: String, canvasKeyID: String? = nil, state: InheritedKeyState, dependents: [Integration.ID] = [], reviewed: Bool = false,
                notes: String? = nil) {
        self.name = name
        self.vendor = vendor
        self.canvasKeyID = canvasKeyID
        self.state = state
        self.dependents = dependents
        self.reviewed = reviewed
        self.notes = notes
    }

    /// A key that can act in this account but nobody has reviewed.
    public var isFlagged: Bool { state != .off && !reviewed }

    public static func validate(name: String?, vendor: String?, canvasKeyID: String?, state: String?, dependents: [String], reviewed: String?,
                                notes: String?, known: Set<Integration.ID>) throws -> InheritedKeyFields {
        var errors = ValidationErrors()
        let name = Check.required(name, field: "name", label: "Name", max: 200, errors: &errors)
        let vendor = Check.required(vendor, field: "vendor", label: "Vendor", max: 200, errors: &errors)
        let key = Check.optional(canvasKeyID, field: "canvasKeyID", label: "Canvas key id", max: 40, errors: &errors)
        let state = InheritedKeyState(rawValue: Check.trimmed(state))
        if state == nil { errors.add("state", "Choose on, off or allow.") }
        let ids = dependents.map { Check.trimmed($0) }.filter { !$0.isEmpty }.compactMap(Integration.ID.init(string:))
        if ids.count != dependents.filter({ !Check.trimmed($0).isEmpty }).count || !Set(ids).isSubset(of: known) {
            errors.add("dependents", "Choose integrations from the list.")
        }
        let notes = Check.optional(notes, field: "notes", label: "Notes", max: 2000, multiline: true, errors: &errors)
        try errors.throwIfAny()
        return InheritedKeyFields(name: name, vendor: vendor, canvasKeyID: key, state: state!, dependents: Array(Set(ids)).sorted { $0.description < $1.description },
                                  reviewed: ["on", "yes", "true"].contains(Check.trimmed(reviewed).lowercased()), notes: notes)
    }
}

public struct InheritedKey: Equatable, Sendable {
    public typealias ID = Identifier<InheritedKey>

    public let id: ID
    public var fields: InheritedKeyFields
    public var version: Int
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: ID, fields: InheritedKeyFields, version: Int = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.fields = fields
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public protocol InheritedKeyRepository: Sendable {
    func list() async throws -> [InheritedKey]
    func find(_ id: InheritedKey.ID) async throws -> InheritedKey?
    func create(_ fields: InheritedKeyFields, id: InheritedKey.ID, by actor: Actor, at now: Date) async throws -> InheritedKey
    func update(_ id: InheritedKey.ID, to fields: InheritedKeyFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> InheritedKey
}
