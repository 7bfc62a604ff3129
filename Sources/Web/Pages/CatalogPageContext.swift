import Vapor

struct CatalogPageContext: Encodable {
    struct Row: Encodable {
        let method: String
        let template: String
        let group: String
        let kinds: String
        /// The shipped route of the same shape whose text this import replaces, if any.
        let replaces: String?
    }

    let layout: LayoutContext
    let shippedCount: Int
    /// "10d0ea8" and the full commit, when the shipped catalog is stamped.
    let canvasCommitShort: String?
    let canvasCommit: String?
    /// How the shipped endpoints' data kinds were decided.
    let classifiedByHand: Int
    let derived: Int
    let documentedOnly: Int
    let importedCount: Int
    let imported: [Row]?
    let canImport: Bool
    let errors: [String: String]
    let formError: String?
}
