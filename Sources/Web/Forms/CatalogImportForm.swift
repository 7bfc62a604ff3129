import Vapor

struct CatalogImportForm: Content {
    var file: File?
    var json: String?
}
