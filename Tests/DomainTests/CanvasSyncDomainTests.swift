import Domain
import Foundation
import Testing

/// Reading Canvas's answers and holding them up against the records, without a network.
@Suite struct CanvasWireTests {
    @Test func followsOnlyTheNextLinkWhateverTheOrderOrCase() {
        let header = #"<https://canvas.example.edu/api/v1/accounts/self/developer_keys?page=bookmark:WzEwMF0&per_page=100>; rel="current",<https://canvas.example.edu/api/v1/accounts/self/developer_keys?page=bookmark:WzIwMF0&per_page=100>; REL="next",<https://canvas.example.edu/x?page=first>; rel="first""#
        #expect(LinkHeader.next(header) == "https://canvas.example.edu/api/v1/accounts/self/developer_keys?page=bookmark:WzIwMF0&per_page=100")
        #expect(LinkHeader.links(header)["first"] == "https://canvas.example.edu/x?page=first")
        // The last page has no next; relative links stay relative (the client resolves them).
        #expect(LinkHeader.next(#"<https://c.example/a?page=1>; rel="current", <https://c.example/a?page=1>; rel="first""#) == nil)
        #expect(LinkHeader.next(#"</api/v1/accounts/1/external_tools?page=bookmark:Wzld>; rel="next""#) == "/api/v1/accounts/1/external_tools?page=bookmark:Wzld")
        #expect(LinkHeader.next(nil) == nil)
        #expect(LinkHeader.next("garbage without brackets") == nil)
    }

    @Test func readsOwnKeysWithGlobalIdsAndNewlineJoinedRedirects() throws {
        let json = #"""
        [{"id": 10000000000123, "name": "Ledgerline", "workflow_state": "active", "scopes": ["url:GET|/api/v1/courses"],
          "require_scopes": true, "allow_includes": false, "redirect_uris": "https://a.example/cb\nhttps://b.example/cb",
          "is_lti_key": false, "access_token_count": 3, "last_used_at": "2026-11-30T06:00:00.123Z", "vendor_code": "", "email": "x@a.example",
          "developer_key_account_binding": {"workflow_state": "on", "account_owns_binding": true}},
         {"id": "1~23", "name": "Sharded", "workflow_state": "inactive", "redirect_uris": ["https://c.example/cb"],
          "developer_key_account_binding": {"workflow_state": "on"}}]
        """#
        let keys = try CanvasWire.developerKeys(Data(json.utf8), inherited: false)
        #expect(keys.map(\.id) == ["10000000000123", "1~23"])
        #expect(keys[0].redirectURIs == ["https://a.example/cb", "https://b.example/cb"])
        #expect(keys[1].redirectURIs == ["https://c.example/cb"])
        #expect(keys[0].isEffectivelyOn && !keys[1].isEffectivelyOn, "on only when the binding is on and the key active")
        #expect(keys[0].vendorCode == nil, "an empty vendor code is no vendor code")
        #expect(keys[0].lastUsedAt != nil && keys[0].accessTokenCount == 3)
    }

    @Test func inheritedKeysHaveNoScopesUntilTheReportSaysSo() throws {
        let json = #"[{"id": 170000000000777, "name": "Global", "workflow_state": "active", "inherited_from": "global", "developer_key_account_binding": {"workflow_state": "allow"}}]"#
        let key = try #require(try CanvasWire.developerKeys(Data(json.utf8), inherited: true).first)
        #expect(key.inherited && key.scopes == nil && key.requireScopes == nil && !key.isUnscoped)
        #expect(key.binding == .allow && !key.isEffectivelyOn)
        let report = try CanvasWire.developerKeyReport("""
            Global ID,Key Name,Inherited from Parent Account,Contact Info,Key Type,Placements,Status,Permitted API Endpoints
            170000000000777,Global,Yes,,API,,allow,"url:GET|/api/v1/courses
            url:GET|/api/v1/users/:user_id/profile"
            170000000000779,Wide,Yes,,API,,on,All
            """)
        #expect(report["170000000000777"]?.scopes == ["url:GET|/api/v1/courses", "url:GET|/api/v1/users/:user_id/profile"])
        #expect(report["170000000000779"]?.unscoped == true)
        #expect(throws: CanvasWireError.self) { try CanvasWire.developerKeyReport("Name,Other\nx,y\n") }
    }

    @Test func registrationsComeWrappedAndToolsNamePlacementsByKey() throws {
        let registrations = try CanvasWire.registrations(Data(#"""
            {"total": 1, "data": [{"id": 500, "name": "Reader", "developer_key_id": 170000000000201, "account_binding": {"workflow_state": "on"},
             "overlaid_configuration": {"privacy_level": "email_only", "scopes": ["s1"], "placements": [{"placement": "course_navigation"}]}}]}
            """#.utf8))
        #expect(registrations.total == 1)
        #expect(registrations.items.first?.developerKeyID == "170000000000201")
        #expect(registrations.items.first?.placements == ["course_navigation"] && registrations.items.first?.privacyLevel == "email_only")
        #expect(throws: CanvasWireError.self) { try CanvasWire.registrations(Data("[]".utf8)) }
        let tools = try CanvasWire.tools(Data(#"""
            [{"id": 900, "name": "Reader", "domain": "reader.example", "privacy_level": "public", "workflow_state": "public",
              "course_navigation": {"enabled": true}, "editor_button": null, "account_navigation": {"url": "https://x"}}]
            """#.utf8), context: "account:2")
        #expect(tools.first?.placements == ["account_navigation", "course_navigation"], "null placements are not placements")
        #expect(tools.first?.context == "account:2")
    }

    @Test func refusesPagesNestedTooDeepOrNotJSON() {
        #expect(CanvasWire.depth(of: Array("[{\"a\": \"[[[[\"}]".utf8)) == 2, "brackets in strings do not count")
        #expect(throws: CanvasWireError.self) { try CanvasWire.developerKeys(Data((String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8), inherited: false) }
        #expect(throws: CanvasWireError.self) { try CanvasWire.developerKeys(Data("<html>".utf8), inherited: false) }
        #expect(throws: CanvasWireError.self) { try CanvasWire.developerKeys(Data(#"{"errors": []}"#.utf8), inherited: false) }
    }

    @Test func daysAreUTCCalendarDays() {
        #expect(CalendarDay.of(Date(timeIntervalSince1970: 0)) == "1970-01-01")
        #expect(CalendarDay.of(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29")
        #expect(CalendarDay.of(Date(timeIntervalSince1970: 1_796_255_999)) == "2026-12-02")
    }
}

@Suite struct CanvasComparisonTests {
    static let now = Date(timeIntervalSince1970: 1_796_200_000)  // 2026-12-02
    static let vendor = Vendor.ID(UUID())

    static func integration(_ name: String, kind: IntegrationKind) -> Integration {
        Integration(id: .init(UUID()), vendorID: vendor,
                    fields: IntegrationFields(name: name, kind: kind, installLevel: .rootAccount, purpose: "p", classification: .restricted, sendsDataToAI: false),
                    status: .approved, createdAt: now, updatedAt: now)
    }

    static func release(_ integration: Integration, key: String, scopes: [String], includes: Bool = false, state: ReleaseState = .released) -> KeyRelease {
        KeyRelease(id: .init(UUID()), integrationID: integration.id, state: state, requestedBy: "a", requestedByID: .init(UUID()),
                   requestedByEmail: "a@x.example", requestedAt: now.addingTimeInterval(-86_400), codeHash: "", codeIssuedAt: now,
                   details: ReleaseDetails(canvasKeyID: key, scopes: scopes, allowIncludeParameters: includes, expiresOn: nil, rereviewOn: "2027-06-01"),
                   whitelistVersion: 1)
    }

    static func key(_ id: String, binding: CanvasBindingState = .on, state: String = "active", scopes: [String]? = [], requireScopes: Bool? = true,
                    includes: Bool = false, inherited: Bool = false, lastUsed: Date? = now) -> CanvasDeveloperKey {
        CanvasDeveloperKey(id: id, name: "Key \(id)", workflowState: state, binding: binding, inherited: inherited, scopes: scopes, requireScopes: requireScopes,
                           allowIncludes: includes, lastUsedAt: lastUsed, createdAt: now.addingTimeInterval(-400 * 86_400))
    }

    static func read(_ parts: [CanvasPart] = CanvasPart.allCases) -> [CanvasPart: CanvasPartOutcome] {
        Dictionary(uniqueKeysWithValues: parts.map { ($0, CanvasPartOutcome.read(0)) })
    }

    /// One scenario that trips every kind of finding exactly where it should, and nowhere else.
    @Test func findsEveryKindWithTheFix() throws {
        let api = Self.integration("Attendance sync", kind: .apiDeveloperKey)
        let offOne = Self.integration("Old survey", kind: .apiDeveloperKey)
        let reader = Self.integration("Reader", kind: .lti13)
        let releases = [
            Self.release(api, key: "1", scopes: ["url:GET|/api/v1/courses"]),
            Self.release(offOne, key: "2", scopes: [], state: .off),
            Self.release(api, key: "3", scopes: ["url:GET|/api/v1/courses"]),
            Self.release(api, key: "4", scopes: []),
            Self.release(api, key: "9", scopes: []),
        ]
        let reviewed = LTIConfiguration(ltiVersion: "1.3", title: "Reader", targetLinkURI: nil, oidcInitiationURL: nil, privacyLevel: .anonymous,
                                        placements: ["course_navigation"], scopes: ["s1"], domains: ["reader.example"])
        let snapshot = CanvasSnapshot(
            parts: Self.read(),
            keys: [
                Self.key("1", scopes: ["url:GET|/api/v1/courses", "url:GET|/api/v1/users/:id"], includes: true),  // wider + includes
                Self.key("2", scopes: []),                                  // on after off
                Self.key("3", scopes: nil, requireScopes: false),           // released but unscoped
                Self.key("4", binding: .off),                               // released, not on
                Self.key("5", scopes: ["x"]),                                // on without release
                Self.key("6", scopes: nil, requireScopes: false, lastUsed: Self.now.addingTimeInterval(-200 * 86_400)),  // critical + idle
                Self.key("7", binding: .on, scopes: nil, requireScopes: nil, inherited: true),  // inherited, unreviewed
                Self.key("8", binding: .off, inherited: true),              // inherited off: fine
            ],
            registrations: [CanvasLTIRegistration(id: "500", name: "Reader", developerKeyID: nil, binding: .on, privacyLevel: "anonymous", scopes: ["s1", "s2"],
                                                  placements: ["course_navigation"])],
            tools: [
                CanvasTool(id: "900", context: "account:2", name: "Reader", domain: "reader.example", privacyLevel: "public", registrationID: "500",
                           placements: ["course_navigation", "editor_button"]),
                CanvasTool(id: "901", context: "account:3", name: "FlashDeck", domain: "flashdeck.example", privacyLevel: "public"),
                CanvasTool(id: "902", context: "account:4", name: "FlashDeck", domain: "flashdeck.example", privacyLevel: "public"),
                CanvasTool(id: "903", context: "account:4", name: "Gone", domain: "gone.example", workflowState: "deleted"),
            ],
            tokens: [CanvasUserToken(id: "40", userID: "88", purpose: nil, holderRole: .student)])
        let records = CanvasRecords(integrations: [api, offOne, reader], releases: releases, inheritedKeys: [], lti: [reader.id: reviewed])
        let findings = CanvasComparison.findings(snapshot, records: records, policy: Policy(), now: Self.now)
        func kinds(_ object: String) -> Set<CanvasFindingKind> { Set(findings.filter { $0.objectID == object }.map(\.kind)) }

        #expect(kinds("1") == [.keyScopesWider, .keyIncludesAllowed])
        #expect(findings.first { $0.kind == .keyScopesWider }?.canvasSays.contains("url:GET|/api/v1/users/:id") == true, "names the extra scope")
        #expect(kinds("2") == [.keyOnAfterOff])
        #expect(kinds("3") == [.keyUnscoped])
        #expect(kinds("4") == [.releasedKeyNotOn])
        #expect(kinds("9") == [.releasedKeyNotOn], "a released key Canvas does not have")
        #expect(kinds("5") == [.keyOnWithoutRelease])
        #expect(kinds("6") == [.keyOnWithoutRelease, .keyIdle])
        #expect(findings.first { $0.objectID == "6" && $0.kind == .keyOnWithoutRelease }?.severity == .critical, "critical when unscoped")
        #expect(findings.first { $0.objectID == "5" }?.severity == .high)
        #expect(kinds("7") == [.inheritedKeyUnreviewed])
        #expect(kinds("8").isEmpty)
        #expect(Set(findings.filter { $0.integrationID == reader.id.description }.map(\.kind)) == [.toolPrivacyWider, .toolPlacementsWider, .toolScopesWider])
        #expect(findings.filter { $0.kind == .toolUnreviewed }.count == 1, "one finding a tool, however many accounts install it")
        #expect(findings.first { $0.kind == .toolUnreviewed }?.canvasSays.contains("2 places") == true)
        #expect(kinds("903").isEmpty, "a deleted tool is not installed")
        #expect(Set(findings.filter { $0.kind == .tokenPolicy }.map(\.objectID)) == ["40"])
        #expect(Set(findings.map(\.kind)) == Set(CanvasFindingKind.allCases), "every kind is covered by this scenario")
        #expect(findings.allSatisfy { !$0.fix.isEmpty && !$0.canvasSays.isEmpty && !$0.approved.isEmpty })
        #expect(findings.map(\.severity) == findings.map(\.severity).sorted(), "worst first")
    }

    @Test func aReviewedInheritedKeyAndAReleasedKeyOnAreQuiet() {
        let api = Self.integration("Attendance sync", kind: .apiDeveloperKey)
        let inventory = InheritedKey(id: .init(UUID()), fields: InheritedKeyFields(name: "Global", vendor: "Instructure", canvasKeyID: "7", state: .on, reviewed: true),
                                     createdAt: Self.now, updatedAt: Self.now)
        let snapshot = CanvasSnapshot(parts: Self.read(), keys: [Self.key("1", scopes: ["a"]), Self.key("7", inherited: true)])
        let records = CanvasRecords(integrations: [api], releases: [Self.release(api, key: "1", scopes: ["a", "b"])], inheritedKeys: [inventory], lti: [:])
        #expect(CanvasComparison.findings(snapshot, records: records, policy: Policy(), now: Self.now).isEmpty)
    }

    @Test func partsNotReadFindNothingAboutThem() {
        let api = Self.integration("Attendance sync", kind: .apiDeveloperKey)
        // Developer keys failed: a released key must not read as missing.
        var parts = Self.read()
        parts[.developerKeys] = .failed("Canvas answered 500")
        let snapshot = CanvasSnapshot(parts: parts, keys: [])
        let records = CanvasRecords(integrations: [api], releases: [Self.release(api, key: "1", scopes: [])], inheritedKeys: [], lti: [:])
        #expect(CanvasComparison.findings(snapshot, records: records, policy: Policy(), now: Self.now).isEmpty)
        #expect(!snapshot.isComplete && snapshot.gaps == ["Developer keys: Canvas answered 500"])
    }

    @Test func theDifferenceCountsSwitchesAndScopes() {
        let before = CanvasSnapshot(parts: Self.read(), keys: [Self.key("1", binding: .off, scopes: ["a"]), Self.key("2", scopes: ["a", "b"]), Self.key("3")],
                                    tools: [CanvasTool(id: "9", context: "account:1", name: "T")], tokens: [CanvasUserToken(id: "t1", userID: "1")])
        let after = CanvasSnapshot(parts: Self.read(), keys: [Self.key("1", scopes: ["a", "c"]), Self.key("2", binding: .off, scopes: ["a"]), Self.key("4")],
                                   tools: [], tokens: [CanvasUserToken(id: "t2", userID: "1")])
        let difference = CanvasDifference.between(before, after, since: Self.now)
        #expect(difference.keysSwitchedOn == 2 && difference.keysSwitchedOff == 1)  // key 1, and new key 4
        #expect(difference.keysAdded == 1 && difference.keysRemoved == 1)
        #expect(difference.scopesAdded == 1 && difference.scopesRemoved == 1)
        #expect(difference.toolsRemoved == 1 && difference.tokensAdded == 1 && difference.tokensRemoved == 1)
        #expect(difference.summary.hasPrefix("2 keys switched on, 1 key switched off"))
        #expect(CanvasDifference.between(after, after, since: Self.now).summary == "no changes")
        // A part missing from either sync is not compared: no phantom removals.
        var partial = after
        partial.parts[.developerKeys] = .failed("500")
        partial.keys = []
        #expect(CanvasDifference.between(before, partial, since: Self.now).keysRemoved == 0)
    }

    /// The comparison stays linear: 10,000 objects are compared well inside a page request.
    @Test func tenThousandObjectsCompareWithoutQuadraticWork() {
        let integrations = (0..<500).map { Self.integration("Tool \($0)", kind: $0 % 2 == 0 ? .lti13 : .apiDeveloperKey) }
        let releases = integrations.enumerated().map { Self.release($1, key: String(1000 + $0), scopes: ["a"]) }
        let keys = (0..<4000).map { Self.key(String(1000 + $0), scopes: ["a"]) }
        let tools = (0..<6000).map { CanvasTool(id: String($0), context: "account:\($0 % 300)", name: "Tool \($0 % 700)", domain: "t\($0 % 700).example") }
        let snapshot = CanvasSnapshot(parts: Self.read(), keys: keys, tools: tools)
        let findings = CanvasComparison.findings(snapshot, records: CanvasRecords(integrations: integrations, releases: releases, inheritedKeys: [], lti: [:]),
                                                 policy: Policy(), now: Self.now)
        #expect(findings.filter { $0.kind == .keyOnWithoutRelease }.count == 3500)
        #expect(findings.filter { $0.kind == .toolUnreviewed }.count == 450, "names 250 to 699 match no integration")
    }
}
