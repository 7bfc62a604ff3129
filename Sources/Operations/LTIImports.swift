import Domain
import Foundation

/// LTI tool configurations imported into an integration from Canvas JSON (1.3) or XML (1.1); a
/// version that reaches further than the one before re-opens the integration's review.
public struct LTIImports: Sendable {
    private let environment: OperationEnvironment
    private let watch: GateWatch

    init(_ environment: OperationEnvironment, watch: GateWatch) {
        self.environment = environment
        self.watch = watch
    }

    /// Parses the file (hostile XML refused) and stores it as the integration's next version.
    public func importFile(_ bytes: [UInt8], filename: String, for integration: Integration, by actor: Actor) async throws -> StoredLTIConfiguration {
        let configuration: LTIConfiguration
        do {
            configuration = try LTIConfigurationParser.parse(bytes)
        } catch let error as LTIConfigurationError {
            throw DomainError.validation(ValidationErrors(["lti": error.description]))
        }
        let stored = try await environment.store.lti.store(configuration, for: integration.id, filename: filename, sha256: DocumentCheck.sha256(bytes),
                                                           by: actor, at: environment.now())
        await watch.recheck(integration.id, after: "a new LTI configuration")
        return stored
    }
}
