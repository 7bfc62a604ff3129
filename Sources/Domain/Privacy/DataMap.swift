import Foundation

/// A piece of student or staff data, in the words a parent, a privacy officer or a data privacy agreement uses.
public enum DataElement: String, CaseIterable, Codable, Sendable, Comparable {
    case names
    case email
    case userIDs = "user_ids"
    case profile
    case sisIDs = "sis_ids"
    case roster
    case grades
    case submissions
    case quizzes
    case messages
    case discussions
    case files
    case activity
    case courseContent = "course_content"
    case calendar
    case outcomes
    case courseSettings = "course_settings"
    case institutionSettings = "institution_settings"
    case tools
    case auditLogs = "audit_logs"
    case publicInfo = "public_info"

    public var label: String {
        switch self {
        case .names: "Names"
        case .email: "E-mail addresses"
        case .userIDs: "Canvas user ids"
        case .profile: "Other personal details (login ids, pronouns, pictures, time zones)"
        case .sisIDs: "Student information system ids"
        case .roster: "Course rosters and enrollments"
        case .grades: "Grades"
        case .submissions: "Student submissions"
        case .quizzes: "Quiz questions and answers"
        case .messages: "Messages and announcements"
        case .discussions: "Discussion posts"
        case .files: "Files"
        case .activity: "Activity and usage data"
        case .courseContent: "Course content"
        case .calendar: "Calendars"
        case .outcomes: "Learning outcomes"
        case .courseSettings: "Course settings"
        case .institutionSettings: "Institution settings, accounts and permissions"
        case .tools: "Other tools and keys"
        case .auditLogs: "Audit logs"
        case .publicInfo: "Public information"
        }
    }

    /// About particular students or staff: what FERPA, COPPA and state student-privacy laws call personal data.
    public var isPersonal: Bool {
        switch self {
        case .names, .email, .userIDs, .profile, .sisIDs, .roster, .grades, .submissions, .quizzes, .messages, .discussions, .activity: true
        default: false
        }
    }

    /// The elements a Canvas endpoint of this kind reads or writes. User endpoints are about names, e-mails and
    /// login ids; enrollment endpoints are about rosters and answer with the people's names as well (`incidental`).
    public static func of(_ kind: DataKind) -> [DataElement] {
        switch kind {
        case .roster: [.roster]
        case .userPII: [.names, .email, .profile]
        case .grades: [.grades]
        case .submissions: [.submissions]
        case .courseContent: [.courseContent]
        case .files: [.files]
        case .communications: [.messages]
        case .discussions: [.discussions]
        case .calendar: [.calendar]
        case .quizzes: [.quizzes]
        case .outcomes: [.outcomes]
        case .analytics: [.activity]
        case .accountAdmin: [.institutionSettings]
        case .ltiTools: [.tools]
        case .auditLogs: [.auditLogs]
        case .courseSettings: [.courseSettings]
        case .sis: [.sisIDs]
        case .public: [.publicInfo]
        }
    }

    /// What comes back with an endpoint of this kind without being what it changes: enrollment answers carry names.
    public static func incidental(to kind: DataKind) -> [DataElement] {
        kind == .roster ? [.names] : []
    }

    public static func < (lhs: DataElement, rhs: DataElement) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One element an integration receives or changes, with what causes it: declared endpoints ("GET /api/v1/…"),
/// the LTI privacy level, or an LTI Advantage scope.
public struct DataMapItem: Equatable, Sendable {
    public let element: DataElement
    public var reads: Bool
    public var changes: Bool
    /// Sorted, each once.
    public var causes: [String]

    public init(element: DataElement, reads: Bool, changes: Bool, causes: [String]) {
        self.element = element
        self.reads = reads
        self.changes = changes
        self.causes = causes
    }

    /// The first three causes, and how many more: for one line of a finding or a schedule.
    public var causeSummary: String {
        causes.prefix(3).joined(separator: "; ") + (causes.count > 3 ? "; and \(causes.count - 3) more" : "")
    }

    /// "Receives", "Changes" or "Receives and changes".
    public var accessLabel: String {
        switch (reads, changes) {
        case (true, true): "Receives and changes"
        case (false, true): "Changes"
        default: "Receives"
        }
    }
}

/// What student and staff data an integration will receive or change, worked out from what was approved: the
/// accepted whitelist (each endpoint's data kinds from the catalog) and the imported LTI configuration (its
/// privacy level and its LTI Advantage scopes).
public struct DataMap: Equatable, Sendable {
    /// In `DataElement` order.
    public let items: [DataMapItem]

    public var personal: [DataMapItem] { items.filter(\.element.isPersonal) }
    public var isEmpty: Bool { items.isEmpty }

    public func item(_ element: DataElement) -> DataMapItem? { items.first { $0.element == element } }

    /// Assignment and grade services, and names and roles, as LTI Advantage names them.
    static let gradeScopesThatChange = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-ags/scope/score"]
    static let gradeScopesThatRead = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly", "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"]
    static let rosterScope = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

    public init(whitelist: [WhitelistEntry], lti: LTIConfiguration?, synced: [SyncedScope] = []) {
        var found: [DataElement: DataMapItem] = [:]
        func add(_ element: DataElement, changes: Bool, cause: String) {
            var item = found[element] ?? DataMapItem(element: element, reads: false, changes: false, causes: [])
            if changes { item.changes = true } else { item.reads = true }
            if !item.causes.contains(cause) { item.causes.append(cause) }
            found[element] = item
        }
        for entry in whitelist {
            for kind in entry.kinds.sorted() {
                for element in DataElement.of(kind) { add(element, changes: entry.access == .write, cause: entry.key) }
                // Received with the answer, read or write alike: a score posted for a student does not change their name.
                for element in DataElement.incidental(to: kind) { add(element, changes: false, cause: entry.key) }
            }
        }
        if let lti {
            let level = "LTI privacy level: \(lti.privacyLevel.rawValue)"
            // Every launch carries an opaque id for the person.
            add(.userIDs, changes: false, cause: "LTI launch")
            switch lti.privacyLevel {
            case .anonymous: break
            case .nameOnly: add(.names, changes: false, cause: level)
            case .emailOnly: add(.email, changes: false, cause: level)
            case .public:
                for element in [DataElement.names, .email, .profile, .sisIDs] { add(element, changes: false, cause: level) }
            }
            for scope in lti.scopes {
                if Self.gradeScopesThatChange.contains(scope) { add(.grades, changes: true, cause: "LTI scope \(scope)") }
                if Self.gradeScopesThatRead.contains(scope) { add(.grades, changes: false, cause: "LTI scope \(scope)") }
                if scope == Self.rosterScope {
                    add(.roster, changes: false, cause: "LTI scope \(scope)")
                    // Names and roles answers with what the privacy level allows, for everyone in the course.
                    switch lti.privacyLevel {
                    case .anonymous: break
                    case .nameOnly: add(.names, changes: false, cause: "LTI scope \(scope)")
                    case .emailOnly: add(.email, changes: false, cause: "LTI scope \(scope)")
                    case .public:
                        add(.names, changes: false, cause: "LTI scope \(scope)")
                        add(.email, changes: false, cause: "LTI scope \(scope)")
                    }
                }
            }
        }
        // What the integration's keys in Canvas really allow, as the newest sync read them.
        for scope in synced {
            let cause = "Canvas key \(scope.keyID) scope \(scope.verb.rawValue) \(scope.path)"
            for kind in scope.kinds.sorted() {
                for element in DataElement.of(kind) { add(element, changes: scope.verb != .GET, cause: cause) }
                for element in DataElement.incidental(to: kind) { add(element, changes: false, cause: cause) }
            }
        }
        items = found.values.map { item in
            var sorted = item
            sorted.causes.sort()
            return sorted
        }.sorted { $0.element < $1.element }
    }
}

/// One scope of a Canvas developer key released for the integration, as the newest sync read it, with the data
/// kinds of the catalog endpoint it names.
public struct SyncedScope: Equatable, Sendable {
    public let keyID: String
    public let verb: HTTPVerb
    public let path: String
    public let kinds: Set<DataKind>

    public init(keyID: String, verb: HTTPVerb, path: String, kinds: Set<DataKind>) {
        self.keyID = keyID
        self.verb = verb
        self.path = path
        self.kinds = kinds
    }

    /// "url:GET|/api/v1/courses/:course_id/users" → the verb and path; nil for anything else.
    public static func parse(_ scope: String) -> (verb: HTTPVerb, path: String)? {
        guard scope.hasPrefix("url:"), let bar = scope.firstIndex(of: "|") else { return nil }
        guard let verb = HTTPVerb(rawValue: String(scope[scope.index(scope.startIndex, offsetBy: 4)..<bar]).uppercased()) else { return nil }
        let path = String(scope[scope.index(after: bar)...])
        return path.hasPrefix("/") ? (verb, path) : nil
    }
}

/// A data map with what it was made from, as the integration page, the API and the public list show it.
public struct DataMapReading: Equatable, Sendable {
    public let map: DataMap
    /// The whitelist version the endpoints come from; nil when none is declared.
    public let whitelistVersion: Int?
    /// Whether that version is the accepted one.
    public let whitelistAccepted: Bool
    /// The LTI configuration version; nil when none is imported.
    public let ltiVersion: Int?
    public let privacyLevel: LTIPrivacyLevel?

    /// How many scopes of the integration's keys the newest Canvas sync read; nil when none was read.
    public let syncedScopes: Int?

    public init(whitelist: WhitelistVersion?, acceptance: WhitelistAcceptance?, lti: StoredLTIConfiguration?, synced: [SyncedScope]? = nil) {
        map = DataMap(whitelist: whitelist?.entries ?? [], lti: lti?.configuration, synced: synced ?? [])
        syncedScopes = synced?.count
        whitelistVersion = whitelist?.number
        whitelistAccepted = whitelist.map { acceptance?.version == $0.number } ?? false
        ltiVersion = lti?.version
        privacyLevel = lti?.configuration.privacyLevel
    }

    /// One sentence naming the sources: "From whitelist version 3 (accepted) and LTI configuration version 2."
    public var sources: String {
        var parts: [String] = []
        if let whitelistVersion { parts.append("whitelist version \(whitelistVersion) (\(whitelistAccepted ? "accepted" : "not yet accepted"))") }
        if let ltiVersion { parts.append("LTI configuration version \(ltiVersion)") }
        if let syncedScopes { parts.append("the \(syncedScopes) scope\(syncedScopes == 1 ? "" : "s") its released keys have in Canvas") }
        return parts.isEmpty ? "Nothing declared yet: no whitelist and no LTI configuration." : "From " + Self.list(parts) + "."
    }

    static func list(_ parts: [String]) -> String {
        parts.count <= 2 ? parts.joined(separator: " and ") : parts.dropLast().joined(separator: ", ") + " and " + parts.last!
    }
}
