import Foundation

/// JSON kept in a text column: sorted keys and slashes as written, so a value reads back exactly and
/// the same value always stores the same text.
enum StoredJSON {
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
