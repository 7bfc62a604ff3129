import Vapor

import Foundation

enum SessionKeys {
    static let userID = "uid"
    static let lastSeen = "seen"
    static let csrf = "csrf"
    static let flash = "flash"
    /// A secret shown once after a redirect (a new answer link, a new API token), removed when shown.
    static let reveal = "reveal"
    /// How the session was made (`SignInMethod`) and the user's session epoch then: it ends when either no
    /// longer holds (single sign-on switched the password off, a role changed, the account was deactivated).
    static let via = "via"
    static let epoch = "epoch"
    /// Set while a signed-in user must enrol an authenticator before anything else (policy).
    static let mustEnrol = "enrol"
    /// Between a correct password and the authenticator code: who, since when, where to go next.
    static let pendingUser = "p_uid"
    static let pendingAt = "p_at"
    static let pendingNext = "p_next"
    /// Between the redirect to the identity provider and its answer.
    static let openIDState = "o_state"
    static let openIDNonce = "o_nonce"
    static let openIDVerifier = "o_verifier"
    static let openIDNext = "o_next"
    static let openIDAt = "o_at"
    /// A new authenticator secret, sealed, while its owner types the first code.
    static let enrolSecret = "e_secret"
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
