import Foundation

enum PersistenceError: Error, CustomStringConvertible {
    case corruptRow(table: String)
    case missingChainHead

    var description: String {
        switch self {
        case let .corruptRow(table): "a row in \(table) could not be read"
        case .missingChainHead: "the audit chain head row is missing; run the migrations"
        }
    }
}
