import Vapor

struct WhitelistForm: Content {
    var entries: String?
    var whitelistVersion: String?
}
