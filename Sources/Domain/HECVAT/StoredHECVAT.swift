import Foundation

/// One imported HECVAT workbook of an integration; every import is kept, numbered from 1.
public struct StoredHECVAT: Equatable, Sendable {
    public let integrationID: Integration.ID
    public let number: Int
    public let workbook: HECVATWorkbook
    public let filename: String
    public let sha256: String
    public let importedBy: String
    public let importedAt: Date

    public init(integrationID: Integration.ID, number: Int, workbook: HECVATWorkbook, filename: String, sha256: String, importedBy: String, importedAt: Date) {
        self.integrationID = integrationID
        self.number = number
        self.workbook = workbook
        self.filename = filename
        self.sha256 = sha256
        self.importedBy = importedBy
        self.importedAt = importedAt
    }
}

/// What an import did to the integration's questionnaires.
public struct HECVATCarryResult: Equatable, Sendable {
    /// "ferpa VR-FERPA-03 from DATA-05" for each answer written.
    public let written: [String]
    /// Questions the vendor or staff had answered themselves: their answers stay.
    public let keptOwn: [String]

    public init(written: [String], keptOwn: [String]) {
        self.written = written
        self.keptOwn = keptOwn
    }
}

public protocol HECVATRepository: Sendable {
    /// Every import of the integration, newest first.
    func history(_ integration: Integration.ID) async throws -> [StoredHECVAT]
    /// The newest import of each integration that has one (one query).
    func latest(of integrations: [Integration.ID]) async throws -> [Integration.ID: StoredHECVAT]
    /// Stores the workbook as the integration's next import and, in the same transaction, writes the
    /// carried answers into questions nobody answered or that an earlier workbook answered (an answer
    /// given by the vendor or staff is kept). Audited.
    func store(_ workbook: HECVATWorkbook, for integration: Integration.ID, filename: String, sha256: String,
               carried: [(questionnaire: Questionnaire, values: [HECVATCarried.Value])], by actor: Actor, at now: Date) async throws
        -> (StoredHECVAT, HECVATCarryResult)
}
