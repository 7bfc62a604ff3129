import Foundation

/// Readable "what changed" text for audit events.
public enum ChangeSummary {
    static let maxValueLength = 80

    static func show(_ value: String) -> String {
        if value.isEmpty { return "(empty)" }
        let flat = value.replacingOccurrences(of: "\n", with: " ")
        return flat.count > maxValueLength ? "\"\(flat.prefix(maxValueLength))…\"" : "\"\(flat)\""
    }

    /// "Created: name "A"; standing "Good standing"" — empty values are left out.
    public static func created(_ values: [(String, String)]) -> String {
        let parts = values.filter { !$0.1.isEmpty }.map { "\($0.0) \(show($0.1))" }
        return "Created: " + parts.joined(separator: "; ")
    }

    /// "name "A" → "B"; standing "Prospective" → "Good standing"", or "No changes".
    public static func changed(from old: [(String, String)], to new: [(String, String)]) -> String {
        let before = Dictionary(old, uniquingKeysWith: { a, _ in a })
        let parts = new.compactMap { key, value -> String? in
            let previous = before[key] ?? ""
            return previous == value ? nil : "\(key) \(show(previous)) → \(show(value))"
        }
        return parts.isEmpty ? "No changes" : parts.joined(separator: "; ")
    }
}
