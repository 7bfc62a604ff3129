/// Text from a file or a request as a message may quote it: at most `limit` characters, then "…", with
/// control, format (bidirectional overrides among them) and unassigned characters shown as "?", so what
/// someone sent never reaches a page or a terminal as anything but plain characters.
public enum Excerpt {
    public static func of(_ text: String, limit: Int = 120) -> String {
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(limit) {
            let category = scalar.properties.generalCategory
            shown.append(category == .control || category == .format || category == .unassigned ? "?" : scalar)
        }
        return String(shown) + (text.unicodeScalars.count > limit ? "…" : "")
    }
}
