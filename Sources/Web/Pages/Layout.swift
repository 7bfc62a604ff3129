import Domain
import Vapor

/// What every page's layout needs: title, who is signed in, navigation, the CSRF token and a flash.
struct LayoutContext: Encodable {
    struct NavItem: Encodable {
        let label: String
        let url: String
        let current: Bool
    }

    let title: String
    let userName: String?
    let userRole: String?
    let csrf: String
    let flash: String?
    let nav: [NavItem]
    let logoutURL: String
    /// After a stale save: what the other person changed.
    let conflict: ConflictNotice?
    /// The page reloads itself after this many seconds (a scan in progress).
    var refreshSeconds: Int?
    /// The page moves on to this address at once (sign-out continuing at the identity provider).
    var refreshURL: String?
    /// The person's authenticator page; nil in a single sign-on session, whose second factor is the provider's.
    let factorURL: String?

    init(_ request: Request, title: String) {
        self.title = title
        let user = request.currentUser
        userName = user?.name
        userRole = user?.role.label
        // Pages always run under the sessions middleware; API and health responses never touch sessions.
        if PageOnlyMiddleware.isPage(request.url.path) {
            csrf = CSRF.token(for: request)
            flash = request.session.data[SessionKeys.flash]
            if flash != nil { request.session.data[SessionKeys.flash] = nil }
        } else {
            csrf = ""
            flash = nil
        }
        logoutURL = SiteURL.logout.path
        let via = request.hasSession ? request.session.data[SessionKeys.via].flatMap(SignInMethod.init(rawValue:)) : nil
        factorURL = user != nil && via != .openID && via != .trustedHeader ? SiteURL.accountFactor.path : nil
        conflict = ConflictNotice.current(request)
        var items: [(String, String)] = []
        if let user {
            items.append(("Dashboard", SiteURL.home.path))
            items.append(("Vendors", SiteURL.vendors().path))
            items.append(("Integrations", SiteURL.integrations().path))
            items.append(("Contracts", SiteURL.contracts().path))
            items.append(("Catalog", SiteURL.catalog.path))
            items.append(("Questionnaires", SiteURL.questionnaires.path))
            items.append(("Inherited keys", SiteURL.inheritedKeys.path))
            items.append(("Reports", SiteURL.reports.path))
            items.append(("Scope drift", SiteURL.drift.path))
            items.append(("Canvas", SiteURL.canvas.path))
            if Access.auditTrail.allows(user.role) { items.append(("Token register", SiteURL.tokenRegister.path)) }
            if Access.auditTrail.allows(user.role) { items.append(("Audit trail", SiteURL.audit().path)) }
            if Access.auditTrail.allows(user.role) { items.append(("Export", SiteURL.exports.path)) }
            if Access.adminOnly.allows(user.role) { items.append(("Users", SiteURL.users.path)) }
            items.append(("API tokens", SiteURL.tokens.path))
        }
        let path = request.url.path
        nav = items.map { label, url in
            NavItem(label: label, url: url, current: url == "/" ? path == "/" : path.hasPrefix(url))
        }
    }
}

struct ErrorPageContext: Encodable {
    let layout: LayoutContext
    let status: Int
    let heading: String
    let message: String
    let requestID: String
    /// Where to go from here: a vendor's questionnaire for a vendor, the dashboard for staff.
    let backURL: String
    let backLabel: String
}

/// One option of a `<select>`, with the selection worked out in Swift.
struct SelectOption: Encodable {
    let value: String
    let label: String
    let selected: Bool
}

/// Pagination links for list pages.
struct PagerContext: Encodable {
    let summary: String
    let previousURL: String?
    let nextURL: String?

    init<T>(_ page: ResultPage<T>, link: (Int) -> String, noun: String) {
        if page.total == 0 {
            summary = "No \(noun)"
        } else {
            let first = page.request.offset + 1
            let last = page.request.offset + page.items.count
            summary = "\(first)–\(last) of \(page.total) \(noun) · page \(page.request.page) of \(page.pageCount)"
        }
        previousURL = page.hasPrevious ? link(page.request.page - 1) : nil
        nextURL = page.hasNext ? link(page.request.page + 1) : nil
    }
}

extension Array {
    /// Leaf treats every array as true in `#if`, so lists a template tests are passed as nil when empty.
    var nonEmpty: [Element]? { isEmpty ? nil : self }
}

/// A labelled value in a list of facts (`<dl>`).
struct FactRow: Encodable {
    let label: String
    let value: String
}

extension Request {
    /// Renders a template with its page context and a status (422 for a form with errors).
    func page(_ template: String, _ context: some Encodable, status: HTTPStatus = .ok) async throws -> Response {
        var rendered = try await view.render(template, context)
        // The last guard: whatever a record or a form holds, no control character reaches a page.
        rendered.data = Echo.clean(rendered.data)
        let response = try await rendered.encodeResponse(for: self).get()
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// 303 to a page, with a one-time message shown there.
    func redirect(to url: SiteURL, flash: String? = nil) -> Response {
        if let flash { session.data[SessionKeys.flash] = flash }
        return redirect(to: url.path, redirectType: .normal)
    }
}
