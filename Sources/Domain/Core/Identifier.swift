import Foundation

/// A typed identifier: `Identifier<Vendor>` and `Identifier<User>` cannot be mixed up.
public struct Identifier<Entity>: Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: UUID

    public init(_ rawValue: UUID) { self.rawValue = rawValue }

    public init?(string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.rawValue = uuid
    }

    public var description: String { rawValue.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Makes new identifiers. Production uses random UUIDs; tests pass a deterministic sequence.
public struct IdentifierGenerator: Sendable {
    private let make: @Sendable () -> UUID

    public init(_ make: @escaping @Sendable () -> UUID) { self.make = make }

    public static let random = IdentifierGenerator { UUID() }

    public func callAsFunction<Entity>(_: Entity.Type = Entity.self) -> Identifier<Entity> {
        Identifier(make())
    }
}
