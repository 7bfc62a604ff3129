import Domain
import Foundation
import Vapor

struct UserCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand()] }
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
