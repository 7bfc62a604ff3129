import SQLKit

/// `column LIKE '%text%' ESCAPE '\'` with the text's own `%`, `_` and `\` escaped, so a search for
/// "100%" or "a_b" finds those characters rather than matching everything (Fluent's `~~` passes them
/// through as wildcards). With `lowercased`, the column is compared as `LOWER(column)`: PostgreSQL's
/// LIKE is case-sensitive where SQLite's is not.
struct ContainsText: SQLExpression {
    let column: String
    let table: String
    let text: String
    var lowercased = false

    static func pattern(_ text: String) -> String {
        var escaped = "%"
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }

    func serialize(to serializer: inout SQLSerializer) {
        let column = SQLColumn(column, table: table)
        if lowercased {
            SQLFunction("LOWER", args: column).serialize(to: &serializer)
        } else {
            column.serialize(to: &serializer)
        }
        serializer.write(" LIKE ")
        SQLBind(Self.pattern(text)).serialize(to: &serializer)
        serializer.write(" ESCAPE '\\'")
    }
}
