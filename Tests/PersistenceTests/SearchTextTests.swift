import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

/// Searches find the characters typed: `%`, `_` and `\` are not wildcards, and the actor filter ignores
/// case on PostgreSQL as on SQLite.
@Suite("Text searches on every engine")
struct SearchTextTests {
    @Test func patternsEscapeLikeWildcards() {
        #expect(ContainsText.pattern("100%") == "%100\\%%")
        #expect(ContainsText.pattern("a_b\\c") == "%a\\_b\\\\c%")
        #expect(ContainsText.pattern("plain") == "%plain%")
    }

    @Test(arguments: TestEngine.available)
    func wildcardCharactersAreSearchedForLiterally(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let person = Actor(userID: .init(UUID()), label: "Ana Díaz (admin)")
            var vendors: [Vendor] = []
            for name in ["100% Reading", "Plain Labs", "a_b Labs", "axb Labs", "Back\\slash"] {
                vendors.append(try await store.vendors.create(fields(name), id: .init(UUID()), by: person, at: t0))
            }
            for (vendor, name) in zip(vendors, ["Score 50%", "Plain sync", "key_one", "keyxone", "path\\tool"]) {
                _ = try await store.integrations.create(integrationFields(name), vendorID: vendor.id, id: .init(UUID()), by: person, at: t0)
            }
            func vendorNames(_ search: String) async throws -> [String] {
                try await store.vendors.list(VendorQuery(search: search)).items.map(\.name)
            }
            #expect(try await vendorNames("%") == ["100% Reading"])
            #expect(try await vendorNames("a_b") == ["a_b Labs"])
            #expect(try await vendorNames("\\") == ["Back\\slash"])
            #expect(try await vendorNames("LABS").count == 3)

            func integrationNames(_ query: IntegrationQuery) async throws -> [String] {
                try await store.integrations.list(query).items.map(\.fields.name)
            }
            #expect(try await integrationNames(IntegrationQuery(search: "%")) == ["Score 50%"])
            #expect(try await integrationNames(IntegrationQuery(search: "y_o")) == ["key_one"])
            #expect(try await integrationNames(IntegrationQuery(vendorName: "%")) == ["Score 50%"])
            #expect(try await integrationNames(IntegrationQuery(vendorName: "_")) == ["key_one"])

            for (vendor, title) in zip(vendors, ["100% data processing", "Plain MSA", "DPA_2026", "DPAx2026", "Back\\slash terms"]) {
                _ = try await store.contracts.create(ContractFields(title: title, kind: .masterAgreement, status: .draft), vendorID: vendor.id,
                                                     id: .init(UUID()), by: person, at: t0)
            }
            func contractTitles(_ query: ContractQuery) async throws -> [String] {
                try await store.contracts.list(query).items.map(\.fields.title)
            }
            #expect(try await contractTitles(ContractQuery(search: "%")) == ["100% data processing"])
            #expect(try await contractTitles(ContractQuery(search: "a_2")) == ["DPA_2026"])
            #expect(try await contractTitles(ContractQuery(vendorName: "_")) == ["DPA_2026"])
            #expect(try await store.contracts.list(ContractQuery(search: "dpa")).total == 2)

            let everything = try await store.audit.list(AuditQuery()).total
            #expect(everything >= 10)
            #expect(try await store.audit.list(AuditQuery(actor: "ANA DÍAZ")).total == everything)
            #expect(try await store.audit.list(AuditQuery(actor: "díaz (ADMIN")).total == everything)
            #expect(try await store.audit.list(AuditQuery(actor: "%")).total == 0)
        }
    }
}
