import FluentKit
import Foundation
@testable import Persistence
import Testing

/// Every model lists its property wrappers by hand (`properties`), because FluentKit's default finds them by
/// reflection for every row it reads and writes. A list that leaves one out would silently stop reading or
/// saving that column, so each list is held to what reflection finds, in order and by identity.
@Suite("Models list their fields")
struct ModelPropertiesTests {
    static let models: [any Model.Type] = [
        AnswerModel.self, ApiTokenModel.self, AuditCheckpointModel.self, AuditEventModel.self, AuditHeadModel.self, CanvasSyncModel.self,
        CanvasFindingModel.self, JobLeaseModel.self, CanvasWriteModel.self, CatalogEntryModel.self, ContractDocumentModel.self,
        ContractModel.self, DriftFindingModel.self, DriftJobModel.self, DriftJobUploadModel.self, DriftScanModel.self,
        EvidenceDocumentModel.self, FindingModel.self, InheritedKeyModel.self, IntegrationModel.self, KeyReleaseModel.self,
        HECVATImportModel.self, LTIConfigurationModel.self, LogIdentityModel.self, MailOutboxModel.self, RegisteredTokenModel.self, ReminderSentModel.self,
        ReviewModel.self, SessionModel.self, UserModel.self, VendorLinkModel.self, VendorModel.self, WhitelistAcceptanceModel.self,
        WhitelistEntryModel.self, WhitelistVersionModel.self,
    ]

    @Test func eachListIsWhatReflectionFinds() {
        for type in Self.models {
            let model = type.init()
            let listed = model.properties.map { ObjectIdentifier($0 as AnyObject) }
            let reflected = Mirror(reflecting: model).children.compactMap { $0.value as? any AnyProperty }.map { ObjectIdentifier($0 as AnyObject) }
            #expect(!reflected.isEmpty, "\(type)")
            #expect(listed == reflected, "\(type) lists \(listed.count) properties; it declares \(reflected.count)")
        }
    }

    /// A model added later must be added above, or its list is never checked.
    @Test func everyModelInTheSourcesIsChecked() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Persistence/Models")
        var declared: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /final class (\w+): Model\b/) { declared.insert(String(match.1)) }
        }
        #expect(declared.count >= 30)
        #expect(declared == Set(Self.models.map { String(describing: $0) }))
    }
}
