import Vapor

/// A finding remediated, re-opened or its risk accepted.
struct FindingStatusForm: Decodable {
    var status: String?
}
