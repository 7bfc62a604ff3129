import Foundation

/// Canvas's pagination: `Link: <https://…?page=bookmark:WzEwXQ&per_page=100>; rel="next", <…>; rel="last"`.
/// Only `rel="next"` is followed; its URL is opaque (page numbers or bookmarks, relative or absolute).
public enum LinkHeader {
    /// Each link's URL by relation, in the order given (the first of a repeated relation wins).
    public static func links(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let url = String(rest[rest.index(after: open)..<close])
            // Parameters run to the next link, which starts with "<" after a comma.
            let after = rest[rest.index(after: close)...]
            let end = after.firstIndex(of: "<") ?? after.endIndex
            for parameter in after[..<end].split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, pair[0].lowercased() == "rel" else { continue }
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\", ")).lowercased()
                for relation in value.split(separator: " ") where result[String(relation)] == nil { result[String(relation)] = url }
            }
            rest = after[end...]
        }
        return result
    }

    public static func next(_ header: String?) -> String? {
        guard let header, !header.isEmpty else { return nil }
        return links(header)["next"]
    }
}
