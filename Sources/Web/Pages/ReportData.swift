import Domain
import Operations
import Persistence
import Vapor

/// Reads the records a report needs and shapes them for its template; formatting happens here.
enum ReportData {
    typealias Fact = PacketContext.Fact

    static func packet(_ req: Request, _ vendor: Vendor, header: ReportHeader) async throws -> PacketContext {
        let store = req.store
        let users = try await store.users.list()
        func person(_ id: User.ID?) -> String { id.flatMap { id in users.first { $0.id == id } }.map { "\($0.name) (\($0.email))" } ?? "not set" }
        let contracts = try await store.contracts.all(ContractQuery(vendorID: vendor.id))
        var contractViews: [PacketContext.ContractView] = []
        var undocumented: [String] = []
        for contract in contracts {
            let f = contract.fields
            let documents = try await store.contracts.documents(contract.id)
            contractViews.append(.init(
                title: f.title,
                facts: [Fact(label: "Kind", value: f.kind.label), Fact(label: "Status", value: f.status.label),
                        Fact(label: "Signed", value: f.signedOn ?? "—"), Fact(label: "In force", value: "\(f.startsOn ?? "—") to \(f.endsOn ?? "open-ended")"),
                        Fact(label: "Breach notice", value: f.breachNotificationHours.map { "within \($0) hours" } ?? "—")],
                clauses: ClauseKind.allCases.map { kind in
                    let clause = f.clause(kind)
                    return Fact(label: kind.label, value: clause.present ? "Present" + (clause.reference.map { " (\($0))" } ?? "") : "Missing")
                },
                documents: documents.map { Fact(label: $0.filename, value: "SHA-256 \($0.sha256), \(DocumentCheck.megabytes($0.size)), \(Format.dateTime($0.uploadedAt)) by \($0.uploadedBy)") }.nonEmpty,
                warning: f.status == .signed && documents.isEmpty ? "Signed, but no document is attached: the signed copy cannot be checked." : nil))
            if f.status == .signed && documents.isEmpty { undocumented.append(f.title) }
        }
        let integrations = try await store.integrations.all(IntegrationQuery(vendorID: vendor.id))
        let records = try await PacketRecords.load(req, integrations)
        var views: [PacketContext.IntegrationView] = []
        var facts: [PacketSummary.IntegrationFacts] = []
        for integration in integrations {
            let (view, summary) = try integrationView(req, integration, records, person: person)
            views.append(view)
            facts.append(summary)
        }
        let v = vendor.fields
        let summary = PacketSummary(vendor: v.name, integrations: facts, signedContractsWithoutDocument: undocumented)
        return PacketContext(
            header: header, summary: summary.paragraph, recommended: facts.allSatisfy(\.gate.isMet) && !facts.isEmpty,
            vendor: [Fact(label: "Vendor", value: v.name), Fact(label: "Standing", value: v.standing.label), Fact(label: "Website", value: v.website ?? "—"),
                     Fact(label: "Security contact", value: v.securityContactEmail ?? "—")],
            contracts: contractViews.nonEmpty, integrations: views.nonEmpty)
    }

    /// What the packet shows of every integration, read for all of them at once (a constant number of queries).
    struct PacketRecords {
        let whitelists: [Integration.ID: WhitelistVersion]
        let answers: [Integration.ID: [Answer]]
        let acceptances: [Integration.ID: WhitelistAcceptance]
        let reviews: [Integration.ID: [Review]]
        let findings: [Review.ID: [Finding]]
        let releases: [Integration.ID: [KeyRelease]]
        let gates: [Integration.ID: Gate]
        let contradictions: [Integration.ID: [Contradiction]]
        let hecvat: [Integration.ID: HECVATReport]

        static func load(_ req: Request, _ integrations: [Integration]) async throws -> PacketRecords {
            let store = req.store
            let ids = integrations.map(\.id)
            let reviews = try await store.reviews.reviews(of: ids)
            let whitelists = try await store.integrations.currentWhitelists(integrations)
            let acceptances = try await store.integrations.whitelistAcceptances(ids)
            let answers = try await store.answers.answers(of: ids)
            let lti = try await store.lti.latest(of: ids)
            let synced = try await req.operations.dataMaps.syncedScopes(of: ids)
            var maps: [Integration.ID: DataMap] = [:]
            for id in ids {
                maps[id] = DataMapReading(whitelist: whitelists[id], acceptance: acceptances[id], lti: lti[id], synced: synced[id]).map
            }
            return PacketRecords(
                whitelists: whitelists, answers: answers, acceptances: acceptances, reviews: reviews,
                findings: try await store.reviews.findings(of: reviews.values.flatMap { $0.map(\.id) }),
                releases: try await store.releases.list(of: ids), gates: try await req.operations.gates.evaluateAll(integrations),
                contradictions: try await req.operations.dataMaps.contradictions(for: integrations, maps: maps, answers: answers),
                hecvat: try await req.operations.hecvat.reports(latestOf: ids))
        }
    }

    static func integrationView(_ req: Request, _ integration: Integration, _ records: PacketRecords, person: (User.ID?) -> String) throws
        -> (PacketContext.IntegrationView, PacketSummary.IntegrationFacts) {
        let f = integration.fields
        let whitelist = records.whitelists[integration.id]
        var groups: [PacketContext.KindGroup] = []
        for kind in DataKind.allCases {
            let entries = (whitelist?.entries ?? []).filter { $0.kinds.contains(kind) }
            if entries.isEmpty { continue }
            groups.append(.init(kind: kind.label, reads: entries.filter { $0.access == .read }.count, writes: entries.filter { $0.access == .write }.count,
                                rows: entries.map { .init(method: $0.verb.rawValue, template: $0.template, access: $0.access.rawValue, risk: $0.risk.description,
                                                          justification: $0.justification) }))
        }
        let answers = records.answers[integration.id] ?? []
        let questionnaires = req.context.questionnaires.map { q -> PacketContext.QuestionnaireLine in
            let mine = answers.filter { $0.questionnaireID == q.id && $0.questionnaireVersion == q.version }
            let progress = QuestionnaireProgress(q, answers: AnswerSheet.values(mine, for: q))
            // Unacceptable answers first, then deviations by severity, then what is missing — by question text, not id.
            var issues = mine.filter { $0.currentMark == .unacceptable }.map { "“\($0.questionText)” marked unacceptable" + ($0.markComment.map { ": \($0)" } ?? "") }
            issues += mine.filter(\.markStale).map { "“\($0.questionText)” changed since it was marked; to be marked again" }
            issues += progress.deviations.map { "“\($0.question.text)” differs from the expected answer (\($0.severity.rawValue)): \(AnswerSheet.summary($0.answer))" }
            issues += mine.filter { $0.currentMark == .needsClarification }.map { "“\($0.questionText)” needs clarification" + ($0.markComment.map { ": \($0)" } ?? "") }
            if !progress.missing.isEmpty { issues.append("Not answered: " + progress.missing.map { "“\($0.text)”" }.joined(separator: "; ")) }
            return .init(title: "\(q.title) (v\(q.version))", complete: "\(progress.percent)%", issues: issues.nonEmpty)
        }
        var reviews: [PacketContext.ReviewView] = []
        var signoffs: [Fact] = []
        var conditions: [String] = []
        if let change = integration.statusChange {
            signoffs.append(Fact(label: "Status \(integration.status.label.lowercased())", value: "\(change.by), \(Format.dateTime(change.at))"))
            if integration.status == .approvedWithConditions, let note = change.note { conditions.append(note) }
        }
        let today = CalendarDay.of(req.now)
        if let acceptance = records.acceptances[integration.id] {
            signoffs.append(Fact(label: "Whitelist version \(acceptance.version) accepted", value: "\(acceptance.acceptedBy), \(Format.dateTime(acceptance.acceptedAt))"))
        }
        for review in records.reviews[integration.id] ?? [] {
            let findings = records.findings[review.id] ?? []
            var facts = [Fact(label: "Reviewer", value: person(review.fields.reviewerID)), Fact(label: "Scope", value: review.fields.scope)]
            if let decision = review.decision {
                facts.append(Fact(label: "Decided", value: "\(decision.decidedOn) by \(review.decidedBy ?? "—")"))
                facts.append(Fact(label: "Valid until", value: decision.validUntil))
                if let conditions = decision.conditions { facts.append(Fact(label: "Conditions / reasons", value: conditions)) }
                signoffs.append(Fact(label: "\(review.kind.label): \(decision.decision.label.lowercased())", value: "\(review.decidedBy ?? "—"), \(decision.decidedOn)"))
                if decision.decision == .approveWithConditions, review.isCurrent(on: today), let text = decision.conditions { conditions.append(text) }
            }
            if review.kind == .accessibility {
                for area in ACRArea.allCases { facts.append(Fact(label: area.label, value: review.fields.outcomes[area]?.label ?? "Not recorded")) }
                if let remediation = review.fields.remediation { facts.append(Fact(label: "Remediation commitments", value: remediation)) }
            }
            reviews.append(.init(kind: review.kind.label, state: review.decision?.decision.label ?? "In progress", facts: facts,
                                 findings: findings.map { .init(title: $0.title, severity: $0.severity.label,
                                                                status: $0.status.label + ($0.riskAcceptedBy.map { " by \($0)" } ?? "")) }.nonEmpty))
        }
        let releases = records.releases[integration.id] ?? []
        for release in releases where release.verifiedAt != nil {
            signoffs.append(Fact(label: "Key \(release.details?.canvasKeyID ?? "") released (\(release.state.label.lowercased()))",
                                 value: "\(release.requestedBy), confirmed \(Format.dateTime(release.verifiedAt))"))
        }
        guard let gate = records.gates[integration.id] else { throw DomainError.notFound(entity: "integration") }
        let live = releases.filter { $0.state == .released }
        let summary = PacketSummary.IntegrationFacts(name: f.name, gate: gate, risk: whitelist?.summary.overallRisk, conditions: conditions,
                                                     keysReleased: live.count, keysGateLapsed: live.filter { $0.gateLapse != nil }.count)
        let view = PacketContext.IntegrationView(
            name: f.name,
            facts: [Fact(label: "Kind", value: f.kind.label), Fact(label: "Status", value: integration.status.label), Fact(label: "Purpose", value: f.purpose),
                    Fact(label: "Data classification", value: f.classification.label),
                    Fact(label: "AI use", value: f.sendsDataToAI ? "Sends \(f.aiData ?? "data") to \(f.aiServices ?? "AI services")" : "No Canvas data goes to AI services"),
                    Fact(label: "Internal owner", value: person(f.ownerID)),
                    Fact(label: "Installed at", value: f.installLevel.label + (f.subAccountName.map { " — \($0)" } ?? ""))],
            overallRisk: whitelist?.summary.overallRisk?.description ?? "no endpoints declared", groups: groups.nonEmpty,
            questionnaires: questionnaires,
            contradictions: (records.contradictions[integration.id] ?? []).map { .init(title: $0.title, claims: $0.claims, evidence: $0.evidence) }.nonEmpty,
            hecvat: records.hecvat[integration.id].map { report in
                "HECVAT \(report.latest.workbook.version), imported \(Format.dateTime(report.latest.importedAt)): "
                    + HECVATPageContext.percent(report.score.earned, report.score.possible)
                    + (report.score.attention.isEmpty ? "" : "; not met: " + report.score.attention.prefix(10).map(\.answer.id).joined(separator: ", "))
            },
            reviews: reviews.nonEmpty,
            gateSummary: GateView(gate).summary,
            gate: gate.items.map { .init(title: $0.title, status: $0.status.label, statusKey: $0.status.rawValue, reason: $0.reason) },
            signoffs: signoffs.nonEmpty)
        return (view, summary)
    }

    /// The charts count every integration in one grouped query; the table shows one page (100 rows) with
    /// its gates and keys read for that page only, so the page costs the same whatever the institution's size.
    static func portfolio(_ req: Request, header: ReportHeader) async throws -> PortfolioContext {
        let tallies = try await req.store.integrations.tallies()
        let requested = (try? req.query.get(Int.self, at: "page")) ?? 1
        let page = try await req.store.integrations.list(IntegrationQuery(page: PageRequest(page: min(max(1, requested), 1_000_000), size: PageRequest.maxSize)))
        let integrations = page.items
        let vendors = try await req.store.vendors.names(Set(integrations.map(\.vendorID)))
        func chart(_ title: String, _ pairs: [(String, Int)]) -> PortfolioContext.Chart {
            let maximum = max(1, pairs.map(\.1).max() ?? 1)
            let bars = pairs.enumerated().map { index, pair in
                PortfolioContext.Bar(label: pair.0, count: pair.1, width: pair.1 == 0 ? 0 : max(2, pair.1 * 300 / maximum), y: index * 26, textY: index * 26 + 15)
            }
            return .init(title: title, bars: bars, height: pairs.count * 26)
        }
        let charts = [
            chart("By status", IntegrationStatus.allCases.map { s in (s.label, tallies.byStatus[s] ?? 0) }),
            chart("By kind", IntegrationKind.allCases.map { k in (k.label, tallies.byKind[k] ?? 0) }),
            chart("By risk", RiskLevel.allCases.map { r in (r.description, tallies.byRisk[r] ?? 0) } + [("not declared", tallies.byRisk[nil] ?? 0)]),
        ]
        // The gates and keys of this page's integrations: a constant number of queries.
        let gates = try await req.operations.gates.evaluateAll(integrations)
        let releases = try await req.store.releases.list(of: integrations.map(\.id))
        var rows: [PortfolioContext.Row] = []
        for integration in integrations {
            guard let gate = gates[integration.id] else { continue }
            let mine = releases[integration.id] ?? []
            let on = mine.filter { $0.state == .released }
            let lapsed = on.filter { $0.gateLapse != nil }.count
            var keys = on.isEmpty ? "none on" : "\(on.count) on"
            if lapsed > 0 { keys += ", \(lapsed) with the gate no longer met" }
            let off = mine.filter { $0.state == .off }.count
            if off > 0 { keys += ", \(off) off" }
            rows.append(.init(name: integration.fields.name, vendor: vendors[integration.vendorID] ?? "—", kind: integration.fields.kind.label,
                              status: integration.status.label, risk: integration.risk?.description ?? "—",
                              gate: gate.isMet ? "met" : "\(gate.unmet.count) unmet", gateKey: gate.isMet ? "met" : "unmet", keys: keys,
                              keysKey: lapsed > 0 ? "unmet" : "met"))
        }
        let download = header.isDownload ? "&download=1" : ""
        return PortfolioContext(header: header, total: tallies.total, charts: charts, rows: rows.nonEmpty,
                                pager: PagerContext(page, link: { "\(SiteURL.reportPortfolio.path)?page=\($0)\(download)" }, noun: "integrations"))
    }

    static func hygiene(_ req: Request, header: ReportHeader) async throws -> HygieneContext {
        let policy = req.context.policy
        let tokens = try await req.store.tokenRegister.list().flatMap { token in
            TokenPolicy.violations(token, policy: policy).map { HygieneContext.Line(subject: "\(token.fields.holder) (\(token.fields.role.label.lowercased()))",
                                                                                   problem: "\($0.rule): \($0.detail)") }
        }
        let keys = try await req.store.inheritedKeys.list().filter(\.fields.isFlagged).map {
            HygieneContext.Line(subject: "\($0.fields.name) (\($0.fields.vendor))", problem: "\($0.fields.state.label) but not reviewed")
        }
        let today = CalendarDay.of(req.now)
        var releases: [HygieneContext.Line] = []
        let names = try await req.store.integrations.names()
        for release in try await req.store.releases.all(in: [.released, .off]) {
            let key = "\(names[release.integrationID] ?? "integration") key \(release.details?.canvasKeyID ?? "")"
            if release.scopeChanged { releases.append(.init(subject: key, problem: "Scope changed since release; review re-opened")) }
            if let rereview = release.details?.rereviewOn, rereview < today { releases.append(.init(subject: key, problem: "Re-review was due on \(rereview)")) }
        }
        releases.sort { $0.subject < $1.subject }
        return HygieneContext(header: header, tokens: tokens.nonEmpty, keys: keys.nonEmpty, releases: releases.nonEmpty,
                              drift: try await driftLines(req), canvas: try await canvasLines(req))
    }

    /// What the newest Canvas sync that read something found, worst first.
    static func canvasLines(_ req: Request) async throws -> HygieneContext.Drift? {
        guard let (synced, findings) = try await req.operations.canvas.latestFindings() else { return nil }
        return HygieneContext.Drift(
            scanned: "\(Format.dateTime(synced.startedAt)) (\(synced.outcome.label.lowercased()))",
            lines: findings.map { .init(subject: "\($0.objectName) (\($0.objectID))", problem: "\($0.severity.label): \($0.kind.label). \($0.canvasSays) Fix: \($0.fix)") }.nonEmpty)
    }

    /// What the newest request-log scan found: calls outside whitelists, unknown keys, idle keys.
    static func driftLines(_ req: Request) async throws -> HygieneContext.Drift? {
        guard let newest = try await req.store.drift.scans(limit: 1).first, let scan = try await req.store.drift.scan(newest.id) else { return nil }
        let r = scan.report
        var lines: [HygieneContext.Line] = []
        for integration in r.integrations where !integration.findings.isEmpty {
            let top = integration.findings.prefix(3).map { "\($0.method) \($0.endpoint) ×\($0.count.formatted())" }.joined(separator: "; ")
            let more = integration.findings.count > 3 ? "; \(integration.findings.count - 3) more" : ""
            lines.append(.init(subject: integration.name,
                               problem: "\(integration.outOfScope.formatted()) out-of-scope and \(integration.includeFlagged.formatted()) include[] requests: \(top)\(more)"))
        }
        for key in r.unknownKeys.prefix(25) {
            lines.append(.init(subject: "Key \(key.keyID)", problem: "Unknown to VendorReview: \(key.count.formatted()) requests (\(key.firstSeen) – \(key.lastSeen))"))
        }
        for key in r.idleKeys {
            lines.append(.init(subject: "\(key.name) key \(key.keyID)", problem: "Released and on, never seen in the log: turn it off if unused"))
        }
        return HygieneContext.Drift(scanned: "\(Format.dateTime(scan.createdAt)), \(scan.files.joined(separator: ", ")), \(r.rows.formatted()) rows"
                                    + (r.firstSeen.map { " from \($0) to \(r.lastSeen ?? $0)" } ?? ""),
                                    lines: lines.nonEmpty)
    }
}
