import Vapor

struct LoginPageContext: Encodable {
    let layout: LayoutContext
    let email: String
    let next: String
    let error: String?
    /// "Sign in with <institution>", when OpenID Connect is configured.
    var providerName: String? = nil
    var providerLink: String? = nil
    /// False when local passwords are off: the form is then for break-glass admins only and folded away.
    var passwordsForEveryone = true
}

struct CodePageContext: Encodable {
    let layout: LayoutContext
    let error: String?
}

/// After signing out of a single sign-on session: the page moves on to the provider's end-session address. A page,
/// not a redirect, because the browser applies the form's `form-action 'self'` to every redirect after the
/// sign-out form and would refuse one to the provider.
struct SignedOutContext: Encodable {
    let layout: LayoutContext
    let providerName: String
    let endSessionURL: String
}
