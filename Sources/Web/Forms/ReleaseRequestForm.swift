import Vapor

/// A key release request; `previous` names the key a rotation replaces.
struct ReleaseRequestForm: Decodable {
    var previous: String?
}
