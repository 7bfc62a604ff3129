import Foundation

/// An answer link just created, shown once on the page (its secret is not stored).
struct NewAnswerLink: Codable {
    let url: String
    let contact: String

    /// As kept in the session between the POST and the page it redirects to.
    var stashed: String { (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "" }

    init(url: String, contact: String) {
        self.url = url
        self.contact = contact
    }

    init?(stashed: String) {
        guard let link = try? JSONDecoder().decode(NewAnswerLink.self, from: Data(stashed.utf8)) else { return nil }
        self = link
    }
}
