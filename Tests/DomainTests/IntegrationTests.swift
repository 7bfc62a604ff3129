import Domain
import Foundation
import Testing

@Suite("Integrations")
struct IntegrationTests {
    func validate(_ overrides: [String: String?] = [:]) throws -> IntegrationFields {
        var v: [String: String?] = [
            "name": "Attendance sync", "kind": "api_developer_key", "installLevel": "course", "subAccountName": nil,
            "purpose": "Sync attendance", "classification": "restricted", "sendsDataToAI": "no", "aiServices": nil, "aiData": nil,
            "ownerID": nil, "nextReviewOn": nil,
        ]
        for (k, value) in overrides { v[k] = value }
        return try IntegrationFields.validate(
            name: v["name"]!, kind: v["kind"]!, installLevel: v["installLevel"]!, subAccountName: v["subAccountName"]!,
            purpose: v["purpose"]!, classification: v["classification"]!, sendsDataToAI: v["sendsDataToAI"]!,
            aiServices: v["aiServices"]!, aiData: v["aiData"]!, ownerID: v["ownerID"]!, nextReviewOn: v["nextReviewOn"]!)
    }

    func messages(_ overrides: [String: String?]) -> [String: String] {
        do { _ = try validate(overrides); return [:] } catch let DomainError.validation(e) { return e.messages } catch { return ["?": "\(error)"] }
    }

    @Test func acceptsACompleteIntegration() throws {
        let fields = try validate(["installLevel": "sub_account", "subAccountName": "School of Nursing", "sendsDataToAI": "yes",
                                   "aiServices": "Azure OpenAI", "aiData": "Discussion posts", "nextReviewOn": "2027-06-30"])
        #expect(fields.subAccountName == "School of Nursing")
        #expect(fields.sendsDataToAI)
        #expect(fields.nextReviewOn == "2027-06-30")
    }

    @Test func requiresPurposeKindLevelAndClassification() {
        let m = messages(["purpose": " ", "kind": "plugin", "installLevel": nil, "classification": "secret"])
        #expect(Set(m.keys) == ["purpose", "kind", "installLevel", "classification"])
    }

    @Test func subAccountsNeedANameAndAIUseNeedsDetails() {
        #expect(messages(["installLevel": "sub_account"])["subAccountName"] != nil)
        let ai = messages(["sendsDataToAI": "yes"])
        #expect(ai["aiServices"] != nil && ai["aiData"] != nil)
        #expect(messages(["sendsDataToAI": "maybe"])["sendsDataToAI"] == "Answer yes or no.")
    }

    @Test func detailsThatDoNotApplyAreDropped() throws {
        let fields = try validate(["subAccountName": "Ignored", "aiServices": "Ignored", "aiData": "Ignored"])
        #expect(fields.subAccountName == nil && fields.aiServices == nil && fields.aiData == nil)
    }

    @Test(arguments: ["2027-02-30", "2027-13-01", "27-01-01", "next year", "2027-1-5"])
    func refusesImpossibleDates(date: String) {
        #expect(messages(["nextReviewOn": date])["nextReviewOn"] != nil)
    }

    @Test func leapDays() {
        #expect(CalendarDay.isValid("2028-02-29"))
        #expect(!CalendarDay.isValid("2027-02-29"))
        #expect(!CalendarDay.isValid("2100-02-29"))
    }

    @Test func statusChangesOnlyThroughAllowedActions() throws {
        #expect(try IntegrationAction.submitForReview.apply(to: .draft, note: nil) == .inReview)
        #expect(try IntegrationAction.approve.apply(to: .inReview, note: nil) == .approved)
        #expect(try IntegrationAction.activate.apply(to: .approved, note: nil) == .active)
        #expect(try IntegrationAction.suspend.apply(to: .active, note: "Out-of-scope calls") == .suspended)
        #expect(try IntegrationAction.reinstate.apply(to: .suspended, note: nil) == .active)
        #expect(try IntegrationAction.retire.apply(to: .active, note: nil) == .retired)
        #expect(throws: DomainError.self) { try IntegrationAction.approve.apply(to: .draft, note: nil) }
        #expect(throws: DomainError.self) { try IntegrationAction.activate.apply(to: .inReview, note: nil) }
        #expect(throws: DomainError.self) { try IntegrationAction.retire.apply(to: .retired, note: nil) }
        #expect(IntegrationAction.available(from: .retired).isEmpty)
        #expect(IntegrationAction.available(from: .draft) == [.submitForReview, .retire])
    }

    @Test func conditionsAndReasonsAreRequiredWhereLaterReadersNeedThem() {
        for action in [IntegrationAction.approveWithConditions, .reject] {
            do {
                _ = try action.apply(to: .inReview, note: "  ")
                Issue.record("\(action) accepted without a note")
            } catch let DomainError.validation(e) {
                #expect(e["note"] != nil)
            } catch { Issue.record("\(error)") }
        }
        #expect(throws: Never.self) { try IntegrationAction.approveWithConditions.apply(to: .inReview, note: "Only course-level installs") }
    }
}

@Suite("Endpoint whitelists")
struct WhitelistTests {
    func declarations(_ text: String) -> [EndpointDeclaration] { Whitelist.declarations(fromText: text) }

    @Test func resolvesLinesToTemplatesKeepingJustifications() throws {
        let entries = try Whitelist.resolve(declarations("""
        # from the vendor's questionnaire
        GET /api/v1/courses/123/enrollments?per_page=100  # build attendance rosters
        put /api/v1/courses/1/assignments/2/submissions/sis_user_id:s9 # post attendance grade
        """), checker: checker)
        #expect(entries.map(\.key) == [
            "GET /api/v1/courses/:course_id/enrollments",
            "PUT /api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id",
        ])
        #expect(entries[0].justification == "build attendance rosters")
        #expect(entries[1].risk == .high)
        #expect(Whitelist.text(entries).contains("GET /api/v1/courses/:course_id/enrollments  # build attendance rosters"))
    }

    @Test func reportsEveryBadLineWithSuggestionsAndAcceptsNothing() {
        do {
            _ = try Whitelist.resolve(declarations("""
            GET /api/v1/courses/1/enrollments # roster
            GET /api/v1/coures/1/users # typo
            POST /api/v1/courses/1/enrollments
            GET /api/v1/courses/2/enrollments # same endpoint again
            """), checker: checker)
            Issue.record("accepted")
        } catch let DomainError.validation(errors) {
            #expect(errors.messages.keys.sorted() == ["line 2", "line 3", "line 4"])
            #expect(errors["line 2"]?.contains("Did you mean GET /api/v1/courses/:course_id/users") == true)
            #expect(errors["line 3"]?.contains("say why") == true)
            #expect(errors["line 4"]?.contains("already declared on line 1") == true)
        } catch { Issue.record("\(error)") }
    }

    @Test func anEmptyListIsRefused() {
        #expect(throws: DomainError.self) { try Whitelist.resolve([], checker: checker) }
    }

    @Test func diffsNameAddedRemovedAndReworded() throws {
        let v1 = try Whitelist.resolve(declarations("GET /api/v1/courses/1/enrollments # roster\nGET /api/v1/courses/1/sections # sections"), checker: checker)
        let v2 = try Whitelist.resolve(declarations("GET /api/v1/courses/1/enrollments # roster for attendance\nPOST /api/v1/courses/1/enrollments # enrol"), checker: checker)
        let diff = WhitelistDiff(from: v1, to: v2)
        #expect(diff.added.map(\.key) == ["POST /api/v1/courses/:course_id/enrollments"])
        #expect(diff.removed.map(\.key) == ["GET /api/v1/courses/:course_id/sections"])
        #expect(diff.justificationChanged == [.init(key: "GET /api/v1/courses/:course_id/enrollments", before: "roster", after: "roster for attendance")])
        #expect(diff.summary.hasPrefix("added POST /api/v1/courses/:course_id/enrollments; removed GET"))
        #expect(WhitelistDiff(from: v1, to: v1).isEmpty)
        let version = WhitelistVersion(number: 2, entries: v2, createdAt: Date(), createdBy: "ana")
        #expect(version.summary.overallRisk == .high)
        #expect(version.scopeLines == ["url:GET|/api/v1/courses/:course_id/enrollments", "url:POST|/api/v1/courses/:course_id/enrollments"])
    }
}

@Suite("Line endings")
struct LineEndingTests {
    @Test func browserCRLFTextSplitsIntoLines() throws {
        let text = "GET /api/v1/courses/1/enrollments # roster\r\nGET /api/v1/courses/1/sections # sections\r\n"
        let declarations = Whitelist.declarations(fromText: text)
        #expect(declarations.count == 2)
        #expect(declarations[0].justification == "roster")
        #expect(try Whitelist.resolve(declarations, checker: checker).count == 2)
    }

    @Test func catalogFilesWithCRLFParse() throws {
        let entries = try EndpointCatalog.parse("## Courses | course_settings\r\nGET /api/v1/courses\r\nGET /api/v1/courses/:id\r\n", file: "crlf.txt")
        #expect(entries.map(\.key) == ["GET /api/v1/courses", "GET /api/v1/courses/:id"])
    }
}
