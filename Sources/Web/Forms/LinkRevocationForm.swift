import Vapor

/// Revoking a vendor's answer link: the person ticks a box to confirm, since a revoked link never opens again.
struct LinkRevocationForm: Decodable {
    var confirm: String?
}
