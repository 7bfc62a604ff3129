import Foundation

/// An answer link just created, shown once on the page (its secret is not stored).
struct NewAnswerLink: Encodable {
    let url: String
    let mailed: Bool
    let contact: String
}
