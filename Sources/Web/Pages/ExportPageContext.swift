import Vapor

struct ExportPageContext: Encodable {
    let layout: LayoutContext
    let downloadURL: String
    let asOf: String
    let error: String?
}
