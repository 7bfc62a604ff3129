import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

@Suite("Contracts on every engine")
struct ContractRepositoryTests {
    @Test(arguments: TestEngine.available)
    func contractsKeepClausesVersionsAndDocuments(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            var contractFields = ContractFields(
                title: "Master agreement", kind: .masterAgreement, status: .signed, signedOn: "2026-06-01", endsOn: "2029-06-30",
                breachNotificationHours: 72,
                clauses: [.ferpaSchoolOfficial: Clause(present: true, reference: "§4.1"), .breachNotification: Clause(present: true)])
            let contract = try await store.contracts.create(contractFields, vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let found = try #require(try await store.contracts.find(contract.id))
            #expect(found.fields == contractFields)
            #expect(try await store.contracts.list(ContractQuery(status: .signed, vendorID: vendor.id)).total == 1)
            #expect(try await store.contracts.list(ContractQuery(search: "MASTER")).total == 1)

            contractFields.clauses[.outOfScopeAction] = Clause(present: true, reference: "§12")
            let saved = try await store.contracts.update(contract.id, to: contractFields, expectedVersion: 1, by: admin, at: t0)
            #expect(saved.version == 2)
            await #expect(throws: DomainError.staleVersion(entity: "contract", expected: 1, actual: 2)) {
                _ = try await store.contracts.update(contract.id, to: contractFields, expectedVersion: 1, by: admin, at: t0)
            }

            let bytes = Array("%PDF-1.7 signed copy".utf8) + [0xFF, 0x00, 0x10]
            let document = ContractDocument(id: .init(UUID()), contractID: contract.id, filename: "Signed MSA.pdf", type: .pdf, size: bytes.count,
                                            sha256: DocumentCheck.sha256(bytes), uploadedBy: admin.label, uploadedAt: t0)
            try await store.contracts.attach(document, bytes: bytes, by: admin)
            #expect(try await store.contracts.documents(contract.id) == [document])
            let (stored, content) = try #require(try await store.contracts.document(document.id, of: contract.id))
            #expect(stored == document)
            #expect(content == bytes, "bytes come back exactly, including NUL and 0xFF")
            let other = try await store.contracts.create(contractFields, vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            #expect(try await store.contracts.document(document.id, of: other.id) == nil, "a document belongs to its own contract only")
            let events = try await store.audit.list(AuditQuery(entityID: contract.id.description)).items.map(\.action)
            #expect(events == ["attach", "update", "create"])
        }
    }
}
