import Vapor

import Foundation

enum SessionKeys {
    static let userID = "uid"
    static let lastSeen = "seen"
    static let csrf = "csrf"
    static let flash = "flash"
    /// A secret shown once after a redirect (a new answer link, a new API token), removed when shown.
    static let reveal = "reveal"
}

extension Request {
    /// Keeps `value` for the next page `page` renders, once. It lives in the session record only
    /// between the POST and the page it redirects to, so a refresh neither repeats the POST nor shows it again.
    func stashReveal(_ value: String, for page: String) {
        session.data[SessionKeys.reveal] = page + "\n" + value
    }

    /// The value stashed for `page`, removed from the session as it is read.
    func takeReveal(for page: String) -> String? {
        guard let stored = session.data[SessionKeys.reveal] else { return nil }
        let parts = stored.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == page else { return nil }
        session.data[SessionKeys.reveal] = nil
        return String(parts[1])
    }
}
