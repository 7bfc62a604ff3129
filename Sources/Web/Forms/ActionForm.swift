import Vapor

struct ActionForm: Content {
    var action: String?
    var note: String?
    var version: String?
}
