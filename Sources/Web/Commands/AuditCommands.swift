import Domain
import Vapor

struct AuditCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
    var help: String { "Work with the audit trail." }
}

struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Re-computes the audit hash chain. Exit 0 when intact; exit 1 naming the first broken event." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.ready(app)
        let (verifier, problem) = try await app.store.audit.verifyChain()
        if let problem {
            throw CommandFailure("audit chain BROKEN after \(verifier.checked) good event(s): \(problem)")
        }
        context.console.print("audit chain intact: \(verifier.checked) event(s), head \(verifier.headHash)")
    }
}
