import Foundation

/// Field-level validation messages, keyed by the form/JSON field name.
public struct ValidationErrors: Error, Equatable, Sendable {
    public private(set) var messages: [String: String] = [:]

    public init(_ messages: [String: String] = [:]) { self.messages = messages }

    public var isEmpty: Bool { messages.isEmpty }

    public subscript(field: String) -> String? { messages[field] }

    /// Records the first message for a field; later messages for the same field are ignored.
    public mutating func add(_ field: String, _ message: String) {
        if messages[field] == nil { messages[field] = message }
    }

    public func throwIfAny() throws {
        if !isEmpty { throw DomainError.validation(self) }
    }
}

/// Small reusable checks on raw text input. Each returns the cleaned value or records a message.
public enum Check {
    public static func trimmed(_ raw: String?) -> String {
        (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `multiline` is for text areas: line breaks and tabs are kept, other control characters refused.
    public static func required(
        _ raw: String?, field: String, label: String, max: Int, multiline: Bool = false, errors: inout ValidationErrors
    ) -> String {
        let value = trimmed(raw)
        if value.isEmpty {
            errors.add(field, "\(label) is required.")
        } else if value.count > max {
            errors.add(field, "\(label) must be at most \(max) characters.")
        } else if hasControlCharacters(value, multiline: multiline) {
            errors.add(field, "\(label) must not contain control characters.")
        }
        return value
    }

    public static func optional(
        _ raw: String?, field: String, label: String, max: Int, multiline: Bool = false,
        errors: inout ValidationErrors
    ) -> String? {
        let value = trimmed(raw)
        if value.isEmpty { return nil }
        if value.count > max {
            errors.add(field, "\(label) must be at most \(max) characters.")
        }
        if hasControlCharacters(value, multiline: multiline) {
            errors.add(field, "\(label) must not contain control characters.")
        }
        return value
    }

    /// Control characters other than line breaks and tabs, which text areas may hold.
    public static func hasControlCharacters(_ value: String, multiline: Bool) -> Bool {
        value.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control && !(multiline && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
        }
    }

    /// A pragmatic e-mail shape check: one @, a non-empty local part, a dotted domain, no spaces.
    public static func isEmail(_ value: String) -> Bool {
        guard value.count <= 254, !value.contains(where: { $0.isWhitespace }) else { return false }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }

    public static func email(
        _ raw: String?, field: String, label: String, required: Bool, errors: inout ValidationErrors
    ) -> String? {
        let value = trimmed(raw).lowercased()
        if value.isEmpty {
            if required { errors.add(field, "\(label) is required.") }
            return nil
        }
        if !isEmail(value) {
            errors.add(field, "\(label) must be an e-mail address such as name@example.edu.")
        }
        return value
    }

    /// An absolute http(s) URL with a host.
    public static func webURL(
        _ raw: String?, field: String, label: String, errors: inout ValidationErrors
    ) -> String? {
        let value = trimmed(raw)
        if value.isEmpty { return nil }
        guard value.count <= 500,
              let components = URLComponents(string: value),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, host.contains(".") || host == "localhost"
        else {
            errors.add(field, "\(label) must be a web address starting with https:// or http://.")
            return value
        }
        return value
    }
}
