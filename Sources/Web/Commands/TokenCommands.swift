import Domain
import Operations
import Vapor

struct TokenCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": TokenCreateCommand()] }
    var help: String { "Manage API tokens." }
}

struct TokenCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Whose token: it carries this user's role.")
        var email: String?
        @Option(name: "purpose", help: "What the token is for (required).")
        var purpose: String?
        @Option(name: "expires-in-days", help: "Days until it expires, 1 to 365.")
        var expiresInDays: String?
        init() {}
    }

    var help: String { "Creates an API token and prints only the token on stdout." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.ready(app)
        guard let email = signature.email, let user = try await app.store.users.find(email: email), user.isActive else {
            throw CommandFailure("no active account with that e-mail")
        }
        do {
            let request = try TokenRequest.validate(purpose: signature.purpose, expiresInDays: signature.expiresInDays)
            let secret = try await app.operations.tokens.issue(request, for: user, by: .commandLine)
            print(secret)
        } catch let error as DomainError {
            throw CommandFailure(CommandFailure.describe(error).replacingOccurrences(of: "--expiresInDays", with: "--expires-in-days"))
        }
    }
}
