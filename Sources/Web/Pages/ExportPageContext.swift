import Vapor

struct ExportPageContext: Encodable {
    let layout: LayoutContext
    let downloadURL: String
    let asOf: String
    let error: String?
    /// The key exports are signed with, for `export verify --public-key`.
    let publicKey: String
}
