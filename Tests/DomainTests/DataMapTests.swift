import Domain
import Foundation
import Testing

@Suite("The data map: what an integration receives or changes, and why")
struct DataMapTests {
    static func entry(_ verb: HTTPVerb, _ template: String, _ kinds: Set<DataKind>) -> WhitelistEntry {
        WhitelistEntry(verb: verb, template: template, justification: "because", group: "G", kinds: kinds)
    }

    static func lti(_ level: LTIPrivacyLevel, scopes: [String] = []) -> LTIConfiguration {
        LTIConfiguration(ltiVersion: "1.3", title: "Tool", targetLinkURI: nil, oidcInitiationURL: nil, privacyLevel: level, placements: [],
                         scopes: scopes, domains: [])
    }

    @Test func endpointsGiveTheirKindsElementsWithReadOrChangeAndTheirCauses() {
        let map = DataMap(whitelist: [
            Self.entry(.GET, "/api/v1/courses/:course_id/enrollments", [.roster]),
            Self.entry(.GET, "/api/v1/users/:id", [.userPII]),
            Self.entry(.PUT, "/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id", [.grades, .submissions]),
            Self.entry(.GET, "/api/v1/courses/:course_id/assignments/:assignment_id/submissions", [.grades, .submissions]),
        ], lti: nil)
        #expect(map.items.map(\.element) == [.names, .email, .profile, .roster, .grades, .submissions], "in DataElement order")
        let names = map.item(.names)
        #expect(names?.causes == ["GET /api/v1/courses/:course_id/enrollments", "GET /api/v1/users/:id"])
        #expect(names?.reads == true && names?.changes == false)
        let grades = map.item(.grades)
        #expect(grades?.reads == true && grades?.changes == true && grades?.accessLabel == "Receives and changes")
        #expect(grades?.causes.count == 2)
        #expect(map.personal.count == 6)
    }

    @Test func namesThatComeWithAnEnrollmentAreReceivedEvenWhenTheEndpointWrites() {
        let map = DataMap(whitelist: [Self.entry(.POST, "/api/lti/courses/:course_id/line_items/:line_item_id/scores", [.roster, .grades])], lti: nil)
        #expect(map.item(.names)?.reads == true && map.item(.names)?.changes == false, "posting a score changes no one's name")
        #expect(map.item(.roster)?.changes == true && map.item(.grades)?.changes == true)
        let renames = DataMap(whitelist: [Self.entry(.PUT, "/api/v1/users/:id", [.userPII])], lti: nil)
        #expect(renames.item(.names)?.changes == true, "a user endpoint that writes does change names")
    }

    @Test(arguments: [
        (LTIPrivacyLevel.anonymous, [DataElement.userIDs]),
        (.nameOnly, [.names, .userIDs]),
        (.emailOnly, [.email, .userIDs]),
        (.public, [.names, .email, .userIDs, .profile, .sisIDs]),
    ])
    func thePrivacyLevelSaysWhichPersonalDataEveryLaunchCarries(level: LTIPrivacyLevel, expected: [DataElement]) {
        let map = DataMap(whitelist: [], lti: Self.lti(level))
        #expect(map.items.map(\.element) == expected)
        #expect(map.item(.userIDs)?.causes == ["LTI launch"])
        if level != .anonymous { #expect(map.item(expected[0])?.causes == ["LTI privacy level: \(level.rawValue)"]) }
    }

    @Test func advantageScopesGiveGradesAndRosters() {
        let ags = "https://purl.imsglobal.org/spec/lti-ags/scope/"
        let nrps = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
        let scoring = DataMap(whitelist: [], lti: Self.lti(.anonymous, scopes: [ags + "score", ags + "result.readonly"]))
        #expect(scoring.item(.grades)?.reads == true && scoring.item(.grades)?.changes == true)
        #expect(scoring.item(.roster) == nil)
        // Names and roles sends the course's people with what the privacy level allows: nothing more when anonymous.
        let anonymous = DataMap(whitelist: [], lti: Self.lti(.anonymous, scopes: [nrps]))
        #expect(anonymous.items.map(\.element) == [.userIDs, .roster])
        let named = DataMap(whitelist: [], lti: Self.lti(.nameOnly, scopes: [nrps]))
        #expect(named.item(.names)?.causes == ["LTI privacy level: name_only", "LTI scope \(nrps)"])
        // A scope this map does not know adds nothing.
        #expect(DataMap(whitelist: [], lti: Self.lti(.anonymous, scopes: ["https://canvas.instructure.com/lti/public_jwk/scope/update"])).items.map(\.element) == [.userIDs])
    }

    @Test func aReadingNamesItsSourcesAndWhetherTheWhitelistIsAccepted() throws {
        let version = WhitelistVersion(number: 3, entries: [Self.entry(.GET, "/api/v1/courses/:course_id/users", [.roster])], createdAt: .distantPast, createdBy: "x")
        let accepted = WhitelistAcceptance(integrationID: .init(UUID()), version: 3, acceptedBy: "r", acceptedByID: .init(UUID()), acceptedAt: .distantPast)
        let older = WhitelistAcceptance(integrationID: .init(UUID()), version: 2, acceptedBy: "r", acceptedByID: .init(UUID()), acceptedAt: .distantPast)
        #expect(DataMapReading(whitelist: version, acceptance: accepted, lti: nil).sources == "From whitelist version 3 (accepted).")
        #expect(DataMapReading(whitelist: version, acceptance: older, lti: nil).sources == "From whitelist version 3 (not yet accepted).")
        let none = DataMapReading(whitelist: nil, acceptance: nil, lti: nil)
        #expect(none.map.isEmpty && none.sources.hasPrefix("Nothing declared yet"))
    }
}

@Suite("The data map from the scopes a key really has in Canvas")
struct SyncedScopeTests {
    @Test func canvasScopeStringsAreAVerbAndAPath() {
        #expect(SyncedScope.parse("url:GET|/api/v1/courses/:course_id/users")! == (.GET, "/api/v1/courses/:course_id/users"))
        #expect(SyncedScope.parse("url:post|/api/v1/x")! == (.POST, "/api/v1/x"))
        for bad in ["", "GET|/api", "url:FETCH|/api", "url:GET|api/v1", "url:GET/api"] { #expect(SyncedScope.parse(bad) == nil, "\(bad)") }
    }

    @Test func syncedScopesAddWhatTheKeyReallyReachesWithTheKeyAsTheCause() {
        let map = DataMap(whitelist: [DataMapTests.entry(.GET, "/api/v1/courses/:course_id/modules", [.courseContent])], lti: nil, synced: [
            SyncedScope(keyID: "170000000000001", verb: .GET, path: "/api/v1/courses/:course_id/enrollments", kinds: [.roster]),
            SyncedScope(keyID: "170000000000001", verb: .PUT, path: "/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id", kinds: [.grades]),
        ])
        #expect(map.items.map(\.element) == [.names, .roster, .grades, .courseContent])
        #expect(map.item(.roster)?.causes == ["Canvas key 170000000000001 scope GET /api/v1/courses/:course_id/enrollments"])
        #expect(map.item(.grades)?.changes == true && map.item(.grades)?.reads == false)
        let reading = DataMapReading(whitelist: nil, acceptance: nil, lti: nil, synced: [SyncedScope(keyID: "1", verb: .GET, path: "/x", kinds: [])])
        #expect(reading.sources == "From the 1 scope its released keys have in Canvas.")
        #expect(DataMapReading(whitelist: nil, acceptance: nil, lti: nil).syncedScopes == nil)
    }
}
