import Vapor

struct CatalogPageContext: Encodable {
    struct Row: Encodable {
        let method: String
        let template: String
        let group: String
        let kinds: String
    }

    let layout: LayoutContext
    let shippedCount: Int
    let importedCount: Int
    let imported: [Row]?
    let canImport: Bool
    let errors: [String: String]
    let formError: String?
}
