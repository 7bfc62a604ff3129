import Domain
import Foundation
import Testing

@Suite("Contracts and documents")
struct ContractTests {
    func validate(_ v: [String: String?], clauses: [ClauseKind: ContractFields.ClauseInput] = [:]) throws -> ContractFields {
        try ContractFields.validate(
            title: v["title"] ?? "Master agreement 2026", kind: v["kind"] ?? "master_agreement", status: v["status"] ?? "draft",
            signedOn: v["signedOn"] ?? nil, startsOn: v["startsOn"] ?? nil, endsOn: v["endsOn"] ?? nil, noticeDays: v["noticeDays"] ?? nil,
            breachNotificationHours: v["breachNotificationHours"] ?? nil, clauses: clauses)
    }

    func messages(_ v: [String: String?], clauses: [ClauseKind: ContractFields.ClauseInput] = [:]) -> [String: String] {
        do { _ = try validate(v, clauses: clauses); return [:] } catch let DomainError.validation(e) { return e.messages } catch { return ["?": "\(error)"] }
    }

    @Test func acceptsASignedContractWithItsClauses() throws {
        let fields = try validate(["status": "signed", "signedOn": "2026-06-01", "startsOn": "2026-07-01", "endsOn": "2029-06-30", "noticeDays": "90",
                                   "breachNotificationHours": "72"],
                                  clauses: [.ferpaSchoolOfficial: .init(present: true, reference: "§4.1"), .breachNotification: .init(present: true, reference: "§9"),
                                            .outOfScopeAction: .init(present: true, reference: "§12.3")])
        #expect(fields.clause(.ferpaSchoolOfficial) == Clause(present: true, reference: "§4.1"))
        #expect(fields.clause(.dataDeletion) == Clause(present: false))
        #expect(fields.breachNotificationHours == 72)
    }

    @Test func aSignedContractNeedsItsSigningDateAndDatesMustBeInOrder() {
        #expect(messages(["status": "signed"])["signedOn"] != nil)
        #expect(messages(["startsOn": "2026-07-01", "endsOn": "2026-06-30"])["endsOn"] == "The contract cannot end before it starts.")
        #expect(messages(["startsOn": "2026-02-30"])["startsOn"] != nil)
    }

    @Test func breachNotificationNeedsHoursOnlyWhenPresent() throws {
        #expect(messages([:], clauses: [.breachNotification: .init(present: true, reference: nil)])["breachNotificationHours"] != nil)
        #expect(messages(["breachNotificationHours": "1000"], clauses: [.breachNotification: .init(present: true, reference: nil)])["breachNotificationHours"] != nil)
        #expect(try validate(["breachNotificationHours": "72"]).breachNotificationHours == nil, "hours without the clause are dropped")
        #expect(try validate([:], clauses: [.dataDeletion: .init(present: false, reference: "§8")]).clause(.dataDeletion).reference == nil)
    }

    @Test func documentsAreRecognisedByTheirBytes() throws {
        let pdf = Array("%PDF-1.7\n1 0 obj\n".utf8)
        #expect(try DocumentCheck.detect(filename: "Master Agreement.pdf", bytes: pdf, maxBytes: 1000) == .pdf)
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]
        #expect(try DocumentCheck.detect(filename: "DPA.docx", bytes: zip, maxBytes: 1000) == .docx)
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]
        #expect(try DocumentCheck.detect(filename: "old.doc", bytes: ole, maxBytes: 1000) == .doc)
        #expect(try DocumentCheck.detect(filename: "notes.txt", bytes: Array("Renewal notes — ok".utf8), maxBytes: 1000) == .txt)
    }

    @Test(arguments: [
        ("invoice.pdf", [0x4D, 0x5A, 0x90, 0x00] as [UInt8], "does not contain what its name says"),
        ("contract.docx", Array("%PDF-1.4".utf8), "does not contain what its name says"),
        ("page.html", Array("<html><script>".utf8), "Only PDF and office documents"),
        ("setup.exe", [0x4D, 0x5A] as [UInt8], "Only PDF and office documents"),
        ("empty.pdf", [] as [UInt8], "The file is empty."),
        ("big.pdf", Array("%PDF-".utf8) + [UInt8](repeating: 0x20, count: 2_000), "the limit is"),
        ("binary.txt", [0x00, 0x01, 0x02] as [UInt8], "does not contain what its name says"),
    ])
    func refusesFilesThatAreNotWhatTheySay(name: String, bytes: [UInt8], message: String) {
        do {
            _ = try DocumentCheck.detect(filename: name, bytes: bytes, maxBytes: 1_024)
            Issue.record("\(name) accepted")
        } catch let DomainError.validation(e) {
            #expect(e["file"]?.contains(message) == true, "\(e["file"] ?? "")")
        } catch { Issue.record("\(error)") }
    }

    @Test func namesAndHashes() {
        #expect(DocumentCheck.cleanName("../../etc/\"passwd\".pdf") == "passwd.pdf")
        #expect(DocumentCheck.cleanName("   ") == "document")
        #expect(DocumentCheck.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(DocumentCheck.megabytes(20 * 1_048_576) == "20.0 MB")
        #expect(DocumentCheck.megabytes(2_048) == "2 KB")
        #expect(DocumentCheck.megabytes(812) == "812 bytes")
    }
}
