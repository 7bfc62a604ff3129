import Vapor

/// A form that only says which version it acts on (accepting a whitelist version).
struct VersionForm: Decodable {
    var version: String?
}
