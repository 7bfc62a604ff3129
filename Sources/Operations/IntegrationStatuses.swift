import Domain
import Foundation

/// An integration's status changes: explicit actions, each audited, the deciding ones never taken by
/// the owner. A change that takes the integration out of use (reject, suspend, retire) closes the
/// gate, so the watch flags any released key at once.
public struct IntegrationStatuses: Sendable {
    private let environment: OperationEnvironment
    private let watch: GateWatch

    init(_ environment: OperationEnvironment, watch: GateWatch) {
        self.environment = environment
        self.watch = watch
    }

    public func perform(_ rawAction: String?, note: String?, on integration: Integration, expectedVersion: Int, by actor: Actor) async throws -> Integration {
        guard let action = rawAction.flatMap(IntegrationAction.init(rawValue:)) else {
            throw DomainError.validation(ValidationErrors(["action": "Choose an action."]))
        }
        try SeparationOfDuties.ensureMayTake(action, by: actor, on: integration)
        let saved = try await environment.store.integrations.perform(action, note: note, on: integration.id, expectedVersion: expectedVersion,
                                                                     by: actor, at: environment.now())
        await watch.recheck(saved.id, after: "the status changed to \(saved.status.label.lowercased())")
        return saved
    }
}
