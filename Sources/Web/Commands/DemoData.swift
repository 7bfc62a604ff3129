import Domain
import Foundation
import Operations
import Persistence
import Vapor

/// A small, realistic demo institution. Loading twice changes nothing.
enum DemoData {
    static let password = "northfield-demo-2026"
    static let institution = "Northfield State University"

    static let accounts: [(email: String, name: String, role: Role)] = [
        ("admin@northfield.example", "Ana Admin", .admin),
        ("reviewer@northfield.example", "Rafael Reviewer", .reviewer),
        ("procurement@northfield.example", "Priya Procurement", .procurement),
        ("auditor@northfield.example", "Audrey Auditor", .auditor),
    ]

    static let vendors: [VendorFields] = [
        VendorFields(name: "Quillstone Learning", website: "https://quillstone.example", securityContactEmail: "security@quillstone.example",
                     standing: .goodStanding, notes: "Adaptive reading tool; LTI 1.3 in course navigation. DPA signed 2025.",
                     privacyPolicyURL: "https://quillstone.example/privacy"),
        VendorFields(name: "Brightpath Proctoring", website: "https://brightpath.example", securityContactEmail: "psirt@brightpath.example",
                     standing: .onNotice, notes: "Notice sent: called enrollment endpoints outside its declared scope."),
        VendorFields(name: "Ledgerline Attendance", website: "https://ledgerline.example", securityContactEmail: "security@ledgerline.example",
                     standing: .prospective, notes: "Wants an API developer key to sync attendance into gradebook columns."),
        VendorFields(name: "Cobalt Plagiarism Check", website: "https://cobalt.example", securityContactEmail: "trust@cobalt.example",
                     standing: .goodStanding, notes: nil, privacyPolicyURL: "https://cobalt.example/legal/privacy"),
        VendorFields(name: "Meridian Analytics", website: "https://meridian.example", securityContactEmail: nil,
                     standing: .suspended, notes: "Suspended pending review of AI data use (student submissions sent to a model provider)."),
        VendorFields(name: "Harbor Library Reserves", website: "https://harbor.example", securityContactEmail: "security@harbor.example",
                     standing: .terminated, notes: "Contract ended 2026-06-30; keys turned off."),
    ]

    static let integrations: [(vendor: String, fields: IntegrationFields, endpoints: String, actions: [(IntegrationAction, String?)])] = [
        ("Quillstone Learning",
         IntegrationFields(name: "Quillstone Reader", kind: .lti13, installLevel: .course, purpose: "Adaptive reading practice inside first-year writing courses.",
                           classification: .restricted, nextReviewOn: "2027-08-31"),
         """
         GET /api/v1/courses/:course_id/modules  # place reading activities next to course modules
         GET /api/lti/courses/:course_id/names_and_roles  # match reading progress to enrolled students
         POST /api/lti/courses/:course_id/line_items/:line_item_id/scores  # send reading scores to the gradebook
         """, [(.submitForReview, nil), (.approve, nil), (.activate, nil)]),
        ("Ledgerline Attendance",
         IntegrationFields(name: "Attendance sync", kind: .apiDeveloperKey, installLevel: .rootAccount, purpose: "Write attendance scores into a gradebook column.",
                           classification: .restricted),
         """
         GET /api/v1/courses/:course_id/enrollments  # build attendance rosters
         GET /api/v1/courses/:course_id/sections  # group rosters by section
         POST /api/v1/courses/:course_id/submissions/update_grades  # post attendance scores
         """, [(.submitForReview, nil)]),
        ("Brightpath Proctoring",
         IntegrationFields(name: "Exam proctoring", kind: .lti13, installLevel: .subAccount, subAccountName: "College of Business",
                           purpose: "Remote proctoring for high-stakes exams.", classification: .highlyRestricted, sendsDataToAI: true,
                           aiServices: "Vendor-hosted video analysis model", aiData: "Webcam video and student names during exams"),
         """
         GET /api/v1/courses/:course_id/users  # list students who sit the exam
         GET /api/v1/courses/:course_id/quizzes/:id  # read exam settings
         PUT /api/v1/courses/:course_id/quizzes/:quiz_id/submissions/:id  # record proctoring flags
         """, [(.submitForReview, nil), (.approveWithConditions, "Recordings deleted after 30 days; no model training on student video."),
                 (.activate, nil), (.suspend, "Called enrollment endpoints outside its declared scope.")]),
    ]

    static let contracts: [(vendor: String, fields: ContractFields)] = [
        ("Quillstone Learning", ContractFields(
            title: "Master services agreement 2025–2028", kind: .masterAgreement, status: .signed, signedOn: "2025-06-12",
            startsOn: "2025-07-01", endsOn: "2028-06-30", noticeDays: 90, breachNotificationHours: 72,
            clauses: [.ferpaSchoolOfficial: Clause(present: true, reference: "§4.1"), .breachNotification: Clause(present: true, reference: "§9.2"),
                      .dataDeletion: Clause(present: true, reference: "§11"), .accessibilityRemediation: Clause(present: true, reference: "Exhibit C"),
                      .outOfScopeAction: Clause(present: true, reference: "§12.3")])),
        ("Brightpath Proctoring", ContractFields(
            title: "Data privacy agreement (NDPA v2)", kind: .dataPrivacyAgreement, status: .signed, signedOn: "2024-08-20",
            startsOn: "2024-09-01", endsOn: "2027-01-15", noticeDays: 60, breachNotificationHours: 48,
            clauses: [.ferpaSchoolOfficial: Clause(present: true, reference: "§2"), .breachNotification: Clause(present: true, reference: "§6"),
                      .dataDeletion: Clause(present: true, reference: "§8")],
            // The signed schedule of data lists less than the proctoring tool's endpoints reach (see its Exhibit B page).
            exhibitB: ["student_name", "assessment_other", "student_in_app_performance"])),
    ]

    struct Summary {
        let created: Bool

        func describe(url: String) -> String {
            var lines = [
                "",
                "VendorReview demo — \(DemoData.institution)" + (created ? " (demo data loaded)" : " (demo data already present)"),
                "Open \(url) and sign in with any of these (password: \(DemoData.password)):",
            ]
            for account in DemoData.accounts {
                lines.append("  \(account.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(account.email)")
            }
            lines.append("")
            return lines.joined(separator: "\n")
        }
    }

    static func load(_ app: Application) async throws -> Summary {
        let store = app.store
        let services = app.context.services
        if try await store.users.find(email: accounts[0].email) != nil { return Summary(created: false) }
        let hash = try await app.context.hasher.hash(password)
        let actor = Actor(userID: nil, label: "demo loader")
        for account in accounts {
            let user = NewUser(email: account.email, name: account.name, role: account.role)
            _ = try await store.users.create(user, id: services.ids(), passwordHash: hash, by: actor, at: services.now())
        }
        var created: [String: Vendor] = [:]
        for fields in vendors where try await store.vendors.list(VendorQuery(search: fields.name)).total == 0 {
            created[fields.name] = try await store.vendors.create(fields, id: services.ids(), by: actor, at: services.now())
        }
        for (name, fields) in contracts {
            guard let vendor = created[name] else { continue }
            _ = try await store.contracts.create(fields, vendorID: vendor.id, id: services.ids(), by: actor, at: services.now())
        }
        let owner = try await store.users.find(email: accounts[0].email)
        let checker = EndpointChecker(matcher: app.operations.catalog.shippedMatcher)
        var first: Integration?
        for demo in integrations {
            guard let vendor = created[demo.vendor] else { continue }
            var fields = demo.fields
            fields.ownerID = owner?.id
            let integration = try await store.integrations.create(fields, vendorID: vendor.id, id: services.ids(), by: actor, at: services.now())
            if first == nil { first = integration }
            let entries = try Whitelist.resolve(Whitelist.declarations(fromText: demo.endpoints), checker: checker)
            _ = try await store.integrations.saveWhitelist(entries, for: integration.id, expectedWhitelistVersion: 0, by: actor, at: services.now())
            var version = integration.version
            for action in demo.actions {
                version = try await store.integrations.perform(action.0, note: action.1, on: integration.id, expectedVersion: version, by: actor, at: services.now()).version
            }
        }
        if let first { try await loadReview(app, first, actor: actor) }
        try await loadInventory(app, dependent: first, actor: actor)
        try await loadDrift(app, actor: actor)
        return Summary(created: true)
    }

    /// A day of request log in which the proctoring tool reads enrollments it never declared (why it
    /// was suspended), recognised by its user agent; and a key nobody recorded.
    static let demoLog = """
        id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent
        1,2026-11-19T08:00:01Z,88001,,GET,/api/v1/courses/2201/users?per_page=100,200,Brightpath-Proctor/4.2 (+https://brightpath.example)
        2,2026-11-19T08:00:03Z,88001,,GET,/api/v1/courses/2201/quizzes/17,200,Brightpath-Proctor/4.2 (+https://brightpath.example)
        3,2026-11-19T08:02:10Z,88001,,GET,/api/v1/courses/2201/enrollments?type[]=StudentEnrollment,200,Brightpath-Proctor/4.2 (+https://brightpath.example)
        4,2026-11-19T09:15:44Z,88001,,GET,/api/v1/courses/2207/enrollments,200,Brightpath-Proctor/4.2 (+https://brightpath.example)
        5,2026-11-19T09:15:45Z,88001,,GET,/api/v1/users/40031/profile,200,Brightpath-Proctor/4.3 (+https://brightpath.example)
        6,2026-11-19T10:00:00Z,51007,,GET,/courses/2201/modules,200,"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
        7,2026-11-19T11:30:12Z,9,170000000000555,GET,/api/v1/accounts/1/users,200,curl/8.4.0
        """

    static func loadDrift(_ app: Application, actor: Actor) async throws {
        let store = app.store
        let services = app.context.services
        guard let proctoring = try await store.integrations.list(IntegrationQuery(search: "Exam proctoring")).items.first else { return }
        try await store.drift.saveIdentity(LogIdentity(userAgentPatterns: ["Brightpath-Proctor/"]), for: proctoring.id, by: actor, at: services.now())
        // Through the same job an upload makes, scanned here so the demo starts with its scan.
        _ = try await app.operations.driftJobs.submit(upload: Array(demoLog.utf8), named: "web_logs-2026-11-19.csv", by: actor)
        try await app.operations.driftJobs.runDue()
    }

    /// One inherited key nobody has reviewed yet, and two user tokens (one breaking the policy).
    static func loadInventory(_ app: Application, dependent: Integration?, actor: Actor) async throws {
        let store = app.store
        let services = app.context.services
        _ = try await store.inheritedKeys.create(
            InheritedKeyFields(name: "Global plagiarism checker (LTI 1.3)", vendor: "Cobalt Plagiarism Check", canvasKeyID: "170000000000777", state: .allow,
                               dependents: dependent.map { [$0.id] } ?? [], reviewed: false, notes: "Inherited from the consortium account."),
            id: services.ids(), by: actor, at: services.now())
        let ids = services.ids
        _ = try await store.tokenRegister.add([
            RegisteredTokenFields(holder: "Dana Ortiz (registrar office)", role: .staff, purpose: "Nightly enrollment report", createdOn: "2026-08-01",
                                  expiresOn: "2027-08-01", lastUsedOn: "2026-11-20", integrationID: dependent?.id),
            RegisteredTokenFields(holder: "Jordan Lee", role: .student, purpose: nil, createdOn: "2026-09-10", expiresOn: nil),
            // A Canvas user id the sync lists manual tokens for (the demo Canvas has two).
            RegisteredTokenFields(holder: "Canvas user 88001", role: .serviceAccount, purpose: "Proctoring service account", createdOn: "2026-08-20"),
        ], source: "demo", by: actor, at: services.now(), ids: { ids() })
    }

    /// Vendor answers for two questionnaires, and a decided security review with a risk-accepted finding.
    static func loadReview(_ app: Application, _ integration: Integration, actor: Actor) async throws {
        let store = app.store
        let services = app.context.services
        let vendorContact = Actor(userID: nil, label: "vendor contact Lena Park <lena.park@ledgerline.example>")
        if let ferpa = app.context.questionnaire("ferpa") {
            _ = try await store.answers.save(
                ["VR-FERPA-01": ["enrollments_and_rosters"], "VR-FERPA-02": ["yes"], "VR-FERPA-03": ["no"]],
                questionnaire: ferpa, integration: integration.id, source: .vendor, by: vendorContact, at: services.now())
        }
        if let accessibility = app.context.questionnaire("accessibility") {
            _ = try await store.answers.save(
                ["VR-A11Y-01": ["no"], "VR-A11Y-05": ["partially"], "VR-A11Y-06": ["Date picker is not keyboard operable; fix planned for 2027-03."]],
                questionnaire: accessibility, integration: integration.id, source: .vendor, by: vendorContact, at: services.now())
        }
        guard let reviewer = try await store.users.find(email: accounts[1].email) else { return }
        let reviewerActor = Actor(user: reviewer)
        let review = try await store.reviews.create(
            ReviewFields(reviewerID: reviewer.id, scope: "OAuth flow, token storage and the declared endpoints"), kind: .security,
            integration: integration.id, id: services.ids(), supersedes: nil, by: reviewerActor, at: services.now())
        let finding = try await store.reviews.addFinding(
            FindingFields(title: "Refresh tokens kept for 90 days after uninstall", description: "Vendor deletes them on request only.", severity: .medium),
            to: review.id, id: services.ids(), by: reviewerActor, at: services.now())
        _ = try await store.reviews.setFindingStatus(finding.id, of: review.id, to: .riskAccepted, by: reviewerActor, at: services.now())
        let today = CalendarDay.of(services.now())
        _ = try await store.reviews.decide(review.id, expectedVersion: review.version, by: reviewerActor, decidedByID: reviewer.id, at: services.now()) { current, findings in
            try ReviewDecisionRecord.validate(decision: "approve_with_conditions", conditions: "Delete refresh tokens within 30 days of uninstall by 2027-03-01.",
                                              validUntil: nil, today: today, review: current, findings: findings)
        }
    }
}
