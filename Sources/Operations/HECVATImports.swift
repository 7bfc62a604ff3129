import Domain
import Foundation

/// HECVAT 4 workbooks imported into an integration: read within limits, stored as the next import,
/// scored against the shipped scoring data and the institution's policy, and the answers our own
/// questionnaires share carried into them.
public struct HECVATImports: Sendable {
    private let environment: OperationEnvironment
    private let watch: GateWatch

    init(_ environment: OperationEnvironment, watch: GateWatch) {
        self.environment = environment
        self.watch = watch
    }

    public struct Result: Sendable {
        public let stored: StoredHECVAT
        public let carried: HECVATCarryResult
        public let report: HECVATReport
    }

    /// Reads the workbook (anything damaged, hostile or not HECVAT 4 is refused with the reason, under
    /// the field `hecvat`) and stores it.
    public func importWorkbook(_ bytes: [UInt8], filename: String, for integration: Integration, by actor: Actor) async throws -> Result {
        let workbook: HECVATWorkbook
        do {
            workbook = try HECVATWorkbook.read(try WorkbookArchive.sheets(bytes))
        } catch let error as SpreadsheetError {
            throw DomainError.validation(ValidationErrors(["hecvat": error.description]))
        }
        let carried = HECVATCarried(workbook, bank: environment.hecvatBank)
        let byQuestionnaire = environment.questionnaires.compactMap { questionnaire -> (questionnaire: Questionnaire, values: [HECVATCarried.Value])? in
            let values = carried.values.filter { $0.questionnaireID == questionnaire.id }
            return values.isEmpty ? nil : (questionnaire, values)
        }
        let store = environment.store
        let (stored, result) = try await store.hecvat.store(workbook, for: integration.id, filename: filename, sha256: DocumentCheck.sha256(bytes),
                                                            carried: byQuestionnaire, by: actor, at: environment.now())
        await watch.recheck(integration.id, after: "a HECVAT import")
        guard let report = try await self.report(integration.id) else { throw DomainError.notFound(entity: "HECVAT import") }
        return Result(stored: stored, carried: result, report: report)
    }

    /// The integration's HECVAT page; nil when no workbook was imported.
    public func report(_ integration: Integration.ID) async throws -> HECVATReport? {
        report(history: try await environment.store.hecvat.history(integration))
    }

    /// The report of imports the caller has read (newest first).
    public func report(history: [StoredHECVAT]) -> HECVATReport? {
        HECVATReport(history: history, bank: environment.hecvatBank, policy: environment.policy.hecvat)
    }

    /// The newest workbook of each integration scored (no history, no comparison), with a constant number of queries.
    public func reports(latestOf integrations: [Integration.ID]) async throws -> [Integration.ID: HECVATReport] {
        try await environment.store.hecvat.latest(of: integrations).compactMapValues {
            HECVATReport(history: [$0], bank: environment.hecvatBank, policy: environment.policy.hecvat)
        }
    }
}
