import Domain
import Persistence
import Vapor

struct UserController: Sendable {
    func index(req: Request) async throws -> Response {
        let users = try await req.store.users.list()
        return try await req.page("users/index", UsersContext(
            layout: LayoutContext(req, title: "Users"),
            rows: users.map { UserRowContext(name: $0.name, email: $0.email, role: $0.role.label, active: $0.isActive,
                                             editURL: SiteURL.editUser($0.id).path) },
            newURL: SiteURL.newUser.path))
    }

    func new(req: Request) async throws -> Response {
        try await req.page("users/form", context(req, form: UserForm(role: Role.reviewer.rawValue, isActive: "on"), user: nil))
    }

    func create(req: Request) async throws -> Response {
        var form = try req.form(UserForm.self)
        do {
            let (newUser, password) = try NewUser.validate(email: form.email, name: form.name, role: form.role, password: form.password)
            let hash = try await req.context.hasher.hash(password)
            let user = try await req.store.users.create(newUser, id: req.context.services.ids(), passwordHash: hash, by: req.actor, at: req.now)
            return req.redirect(to: .users, flash: "Account for \(user.email) created.")
        } catch let error as DomainError {
            form.password = nil  // never echo a password back into a page
            return try await req.page("users/form", context(req, form: form, user: nil, error: error), status: ErrorMapping.map(error).status)
        }
    }

    func edit(req: Request) async throws -> Response {
        let user = try await req.userParameter()
        let form = UserForm(email: user.email, name: user.name, role: user.role.rawValue, isActive: user.isActive ? "on" : nil,
                            version: String(user.version))
        return try await req.page("users/form", context(req, form: form, user: user))
    }

    func update(req: Request) async throws -> Response {
        let user = try await req.userParameter()
        var form = try req.form(UserForm.self)
        form.email = user.email
        do {
            let changes = try UserChanges.validate(name: form.name, role: form.role, isActive: form.isActive == "on")
            if user.id == req.currentUser?.id, changes.role != .admin || !changes.isActive {
                throw DomainError.validation(ValidationErrors(["role": "You cannot remove your own admin role or deactivate yourself."]))
            }
            let version = try VersionInput.form(form.version)
            let saved = try await req.store.users.update(user.id, to: changes, expectedVersion: version, by: req.actor, at: req.now)
            return req.redirect(to: .users, flash: "Account for \(saved.email) saved.")
        } catch let error as DomainError {
            if case .staleVersion = error { form.version = String(user.version) }
            await ConflictNotice.note(error, on: req, entityType: "user", entityID: user.id.description)
            return try await req.page("users/form", context(req, form: form, user: user, error: error), status: ErrorMapping.map(error).status)
        }
    }

    private func context(_ req: Request, form: UserForm, user: User?, error: DomainError? = nil) -> UserFormContext {
        let mapped = error.map(ErrorMapping.map)
        let errors = mapped?.fields ?? [:]
        return UserFormContext(
            layout: LayoutContext(req, title: user == nil ? "New user" : "Edit \(user!.email)"),
            heading: user == nil ? "New user" : "Edit \(user!.email)",
            action: user.map { SiteURL.user($0.id).path } ?? SiteURL.users.path,
            isNew: user == nil, email: form.email ?? "", name: form.name ?? "", active: form.isActive == "on",
            version: form.version ?? "",
            roleOptions: Role.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.role) },
            errors: errors,
            formError: mapped?.formMessage,
            cancelURL: SiteURL.users.path, factorEnrolled: user?.secondFactor != nil, factorResetURL: user.map { SiteURL.userFactorReset($0.id).path })
    }
}
