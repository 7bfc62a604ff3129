import Domain
import Foundation
import Testing

@Suite("Vendor validation")
struct VendorValidationTests {
    func errors(_ body: () throws -> Void) -> [String: String] {
        do {
            try body()
            return [:]
        } catch let DomainError.validation(errors) {
            return errors.messages
        } catch {
            Issue.record("unexpected error \(error)")
            return [:]
        }
    }

    @Test func acceptsACompleteVendorAndTrimsAndLowercasesEmail() throws {
        let fields = try VendorFields.validate(
            name: "  Quillstone Learning ", website: "https://quillstone.example/about",
            securityContactEmail: " Security@Quillstone.Example ", standing: "good_standing", notes: "Line one\nLine two")
        #expect(fields.name == "Quillstone Learning")
        #expect(fields.securityContactEmail == "security@quillstone.example")
        #expect(fields.standing == .goodStanding)
        #expect(fields.notes == "Line one\nLine two")
    }

    @Test func defaultsStandingToProspectiveAndEmptyOptionalsToNil() throws {
        let fields = try VendorFields.validate(name: "A", website: " ", securityContactEmail: "", standing: nil, notes: "")
        #expect(fields.standing == .prospective)
        #expect(fields.website == nil)
        #expect(fields.securityContactEmail == nil)
        #expect(fields.notes == nil)
    }

    @Test func aPrivacyPolicyIsAWebAddressOrNothing() throws {
        let with = try VendorFields.validate(name: "Q", website: nil, securityContactEmail: nil, standing: nil, notes: nil,
                                             privacyPolicyURL: "  https://q.example/privacy  ")
        #expect(with.privacyPolicyURL == "https://q.example/privacy")
        #expect(try VendorFields.validate(name: "Q", website: nil, securityContactEmail: nil, standing: nil, notes: nil, privacyPolicyURL: "").privacyPolicyURL == nil)
        for bad in ["javascript:alert(1)", "privacy page", "ftp://q.example/p"] {
            #expect(throws: DomainError.self) {
                _ = try VendorFields.validate(name: "Q", website: nil, securityContactEmail: nil, standing: nil, notes: nil, privacyPolicyURL: bad)
            }
        }
    }

    @Test func reportsEveryBadFieldAtOnce() {
        let messages = errors {
            _ = try VendorFields.validate(
                name: "", website: "ftp://files.example", securityContactEmail: "not-an-email", standing: "friendly",
                notes: String(repeating: "x", count: VendorFields.notesMax + 1))
        }
        #expect(messages["name"] == "Name is required.")
        #expect(messages["website"]?.contains("https://") == true)
        #expect(messages["securityContactEmail"]?.contains("e-mail address") == true)
        #expect(messages["standing"]?.contains("good_standing") == true)
        #expect(messages["notes"]?.contains("at most 5000") == true)
    }

    @Test(arguments: [
        String(repeating: "n", count: VendorFields.nameMax + 1),
        "Bad\u{0007}Name",
        "   ",
    ])
    func refusesNamesTooLongControlOrBlank(name: String) {
        #expect(errors { _ = try VendorFields.validate(name: name, website: nil, securityContactEmail: nil, standing: nil, notes: nil) }["name"] != nil)
    }

    @Test(arguments: ["a@b", "a b@c.edu", "@c.edu", "a@@c.edu", "a@c..edu", "a@-c.edu"])
    func rejectsMalformedEmails(email: String) {
        #expect(!Check.isEmail(email))
    }

    @Test(arguments: ["a@c.edu", "first.last+tag@sub.example.org"])
    func acceptsEmails(email: String) {
        #expect(Check.isEmail(email))
    }

    @Test func queryDropsBlankSearchAndClampsPages() {
        #expect(VendorQuery(search: "   ").search == nil)
        #expect(VendorQuery(search: String(repeating: "q", count: 300)).search?.count == 100)
        let page = PageRequest(page: -3, size: 1000)
        #expect(page.page == 1)
        #expect(page.size == PageRequest.maxSize)
        #expect(PageRequest(page: 3, size: 10).offset == 20)
    }

    @Test func resultPageCountsPages() {
        let page = ResultPage(items: [1, 2], total: 52, request: PageRequest(page: 2, size: 25))
        #expect(page.pageCount == 3)
        #expect(page.hasPrevious)
        #expect(page.hasNext)
        #expect(!ResultPage(items: [Int](), total: 0, request: PageRequest(page: 1)).hasNext)
    }
}

@Suite("Change summaries")
struct ChangeSummaryTests {
    @Test func createdListsNonEmptyValues() {
        #expect(ChangeSummary.created([("name", "Acme"), ("website", ""), ("standing", "Prospective")])
            == "Created: name \"Acme\"; standing \"Prospective\"")
    }

    @Test func changedShowsOnlyDifferences() {
        let summary = ChangeSummary.changed(
            from: [("name", "Acme"), ("standing", "Prospective"), ("notes", "")],
            to: [("name", "Acme"), ("standing", "Good standing"), ("notes", "New")])
        #expect(summary == "standing \"Prospective\" → \"Good standing\"; notes (empty) → \"New\"")
        #expect(ChangeSummary.changed(from: [("a", "1")], to: [("a", "1")]) == "No changes")
    }

    @Test func longValuesAreShortened() {
        let summary = ChangeSummary.created([("notes", String(repeating: "z", count: 200))])
        #expect(summary.count < 120)
        #expect(summary.hasSuffix("…\""))
    }
}
