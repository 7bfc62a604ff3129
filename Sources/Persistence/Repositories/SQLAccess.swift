import FluentKit
import SQLKit

extension Database {
    /// The same session as SQLKit sees it, for the statements Fluent's query builder cannot write (grouped
    /// counts, `UPDATE … RETURNING`). Both engines' drivers are SQL databases; anything else is a programming error.
    var sqlDatabase: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { fatalError("Fluent SQL drivers are required") }
        return sql
    }
}
