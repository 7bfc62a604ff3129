import Foundation

/// One imported configuration of an integration; every import is a new version.
public struct StoredLTIConfiguration: Equatable, Sendable {
    public let integrationID: Integration.ID
    public let version: Int
    public let configuration: LTIConfiguration
    public let filename: String
    public let sha256: String
    public let importedBy: String
    public let importedAt: Date
    /// How this import reached further than the one before (empty for the first).
    public let widening: [String]

    public init(integrationID: Integration.ID, version: Int, configuration: LTIConfiguration, filename: String, sha256: String, importedBy: String,
                importedAt: Date, widening: [String]) {
        self.integrationID = integrationID
        self.version = version
        self.configuration = configuration
        self.filename = filename
        self.sha256 = sha256
        self.importedBy = importedBy
        self.importedAt = importedAt
        self.widening = widening
    }
}

public protocol LTIConfigurationRepository: Sendable {
    func history(_ integration: Integration.ID) async throws -> [StoredLTIConfiguration]
    /// The newest configuration of each integration that has one (one query per 500).
    func latest(of integrations: [Integration.ID]) async throws -> [Integration.ID: StoredLTIConfiguration]
    /// Stores a new version; a wider configuration re-opens the integration's review.
    func store(_ configuration: LTIConfiguration, for integration: Integration.ID, filename: String, sha256: String, by actor: Actor, at now: Date) async throws -> StoredLTIConfiguration
}
