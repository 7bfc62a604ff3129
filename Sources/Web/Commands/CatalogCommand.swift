import Domain
import Foundation
import Operations
import Persistence
import Vapor

struct CatalogCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["import": CatalogImportCommand()] }
    var help: String { "Extend the Canvas endpoint catalog with your own Canvas's routes." }
}

/// `catalog import FILE`: reads what `GET /api/v1/accounts/:account_id/scopes` returned.
struct CatalogImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "JSON saved from GET /api/v1/accounts/:account_id/scopes on your Canvas.")
        var file: String
        init() {}
    }

    var help: String { "Imports a Canvas instance's scopes into the catalog (stored in the database, not in data/)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.ready(app)
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw CommandFailure("cannot read \(signature.file)") }
        do {
            let name = (signature.file as NSString).lastPathComponent
            let outcome = try await app.operations.catalog.importScopes(data, source: name, by: .commandLine)
            context.console.print(outcome.sentence)
        } catch let error as DomainError {
            throw CommandFailure(CommandFailure.describe(error).replacingOccurrences(of: "--file: ", with: ""))
        }
    }
}
