import Domain
import Operations
import Foundation
import Vapor

struct UserCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand(), "reset-factor": UserResetFactorCommand()] }
    var help: String { "Manage user accounts." }
}

struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The person's e-mail address (their sign-in name).")
        var email: String?
        @Option(name: "name", help: "The person's full name.")
        var name: String?
        @Option(name: "role", help: "admin, reviewer, procurement or auditor.")
        var role: String?
        init() {}
    }

    var help: String { "Creates an account. The password is read from stdin (one line) when it is not a terminal, else prompted for." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.ready(app)
        let password: String?
        if isatty(STDIN_FILENO) == 0 {
            password = readLine(strippingNewline: true)
        } else {
            password = context.console.ask("Password (at least \(PasswordPolicy.minimumLength) characters): ".consoleText(), isSecure: true)
        }
        do {
            let (user, password) = try NewUser.validate(email: signature.email, name: signature.name, role: signature.role, password: password)
            let hash = try await app.context.hasher.hash(password)
            let created = try await app.store.users.create(user, id: app.context.services.ids(), passwordHash: hash, by: .commandLine, at: app.context.services.now())
            context.console.print("Created \(created.role.rawValue) account \(created.email).")
        } catch let error as DomainError {
            throw CommandFailure(CommandFailure.describe(error))
        }
    }
}

/// The way back in when the person who lost their authenticator is the only admin: run on the server, audited as
/// the command line, and their sessions end.
struct UserResetFactorCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The e-mail address of the account whose authenticator app is lost.")
        var email: String?
        init() {}
    }

    var help: String { "Removes an account's authenticator app (audited; their sessions end); they set up a new one at their next sign-in." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.ready(app)
        let email = Check.trimmed(signature.email).lowercased()
        guard !email.isEmpty else { throw CommandFailure("Name the account with --email.") }
        guard let user = try await app.store.users.find(email: email) else { throw CommandFailure("No account has the e-mail \(email).") }
        guard try await app.operations.signIns.reset(user, by: .commandLine) else { throw CommandFailure("\(user.email) has no authenticator app to reset.") }
        context.console.print("Reset the authenticator app of \(user.email); they set up a new one at their next sign-in.")
    }
}
