import Domain
import Vapor

/// The top of every report: what it is, when it was generated, and how current its data is.
struct ReportHeader: Encodable {
    let title: String
    let subtitle: String?
    let generatedAt: String
    let asOf: String
    let downloadURL: String
    let indexURL: String
    /// `INSTITUTION_NAME`, on every printed page.
    let institution: String
    /// The downloaded file has no links back into the app (they would be dead outside it).
    let isDownload: Bool
}

struct ReportIndexContext: Encodable {
    struct Item: Encodable {
        let title: String
        let description: String
        let url: String
    }
    let layout: LayoutContext
    let reports: [Item]
    let vendors: [SelectOption]
    let packetURL: String
}

struct PacketContext: Encodable {
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    struct ContractView: Encodable {
        let title: String
        let facts: [Fact]
        let clauses: [Fact]
        let documents: [Fact]?
        /// A signed contract with no document attached.
        let warning: String?
    }
    struct EndpointRow: Encodable {
        let method: String
        let template: String
        let access: String
        let risk: String
        let justification: String
    }
    struct KindGroup: Encodable {
        let kind: String
        let reads: Int
        let writes: Int
        let rows: [EndpointRow]
    }
    struct QuestionnaireLine: Encodable {
        let title: String
        let complete: String
        let issues: [String]?
    }
    struct FindingLine: Encodable {
        let title: String
        let severity: String
        let status: String
    }
    struct ReviewView: Encodable {
        let kind: String
        let state: String
        let facts: [Fact]
        let findings: [FindingLine]?
    }
    struct GateLine: Encodable {
        let title: String
        let status: String
        let statusKey: String
        let reason: String
    }
    struct ContradictionLine: Encodable {
        let title: String
        let claims: [String]
        let evidence: [String]
    }
    struct IntegrationView: Encodable {
        let name: String
        let facts: [Fact]
        let overallRisk: String
        let groups: [KindGroup]?
        let questionnaires: [QuestionnaireLine]
        /// What the vendor says against what the integration touches.
        let contradictions: [ContradictionLine]?
        /// The newest HECVAT's score, when one was imported.
        let hecvat: String?
        let reviews: [ReviewView]?
        let gateSummary: String
        let gate: [GateLine]
        let signoffs: [Fact]?
    }

    let header: ReportHeader
    /// The opening paragraph: recommendation, overall risk, open conditions, warnings, keys released.
    let summary: String
    let recommended: Bool
    let vendor: [Fact]
    let contracts: [ContractView]?
    let integrations: [IntegrationView]?
}

struct PortfolioContext: Encodable {
    struct Bar: Encodable {
        let label: String
        let count: Int
        let width: Int
        let y: Int
        let textY: Int
    }
    struct Chart: Encodable {
        let title: String
        let bars: [Bar]
        let height: Int
    }
    struct Row: Encodable {
        let name: String
        let vendor: String
        let kind: String
        let status: String
        let risk: String
        let gate: String
        let gateKey: String
        let keys: String
        let keysKey: String
    }
    let header: ReportHeader
    let total: Int
    let charts: [Chart]
    let rows: [Row]?
    /// The table is paged (100 rows), so the page never grows with the institution.
    let pager: PagerContext
}

struct RenewalsContext: Encodable {
    struct Row: Encodable {
        let day: String
        let daysLeft: Int
        let what: String
        let title: String
    }
    struct Window: Encodable {
        let title: String
        let rows: [Row]?
    }
    let header: ReportHeader
    let windows: [Window]
}

struct HygieneContext: Encodable {
    struct Line: Encodable {
        let subject: String
        let problem: String
    }
    struct Drift: Encodable {
        let scanned: String
        let lines: [Line]?
    }
    let header: ReportHeader
    let tokens: [Line]?
    let keys: [Line]?
    let releases: [Line]?
    let drift: Drift?
    /// The newest Canvas sync's findings (same shape: when, and a line a finding).
    let canvas: Drift?
}
