import Foundation

/// The paragraph a vendor packet opens with, for the person it is forwarded to: the recommendation,
/// the overall risk, open conditions, warnings and the keys released. Pure, so it is tested alone.
public struct PacketSummary: Equatable, Sendable {
    public struct IntegrationFacts: Equatable, Sendable {
        public let name: String
        public let gate: Gate
        public let risk: RiskLevel?
        /// Conditions of approval, of the integration or of its reviews.
        public let conditions: [String]
        public let keysReleased: Int
        public let keysGateLapsed: Int

        public init(name: String, gate: Gate, risk: RiskLevel?, conditions: [String], keysReleased: Int, keysGateLapsed: Int) {
            self.name = name
            self.gate = gate
            self.risk = risk
            self.conditions = conditions
            self.keysReleased = keysReleased
            self.keysGateLapsed = keysGateLapsed
        }
    }

    public let recommendation: String
    public let sentences: [String]
    /// Warnings found outside the gate (a signed contract with no document attached).
    public let warnings: [String]

    public var paragraph: String { ([recommendation] + sentences).joined(separator: " ") }

    public init(vendor: String, integrations: [IntegrationFacts], signedContractsWithoutDocument: [String]) {
        var warnings = signedContractsWithoutDocument.map { "the signed contract “\($0)” has no document attached" }
        for integration in integrations {
            for item in integration.gate.items where item.status == .warning {
                warnings.append("\(integration.name): \(item.title.lowercased()) — \(item.reason)")
            }
        }
        self.warnings = warnings
        let open = integrations.filter { !$0.gate.isMet }
        if integrations.isEmpty {
            recommendation = "Not recommended: no integration of \(vendor) is recorded."
        } else if open.isEmpty {
            recommendation = "Recommended: every integration of \(vendor) meets the issuance gate" + (warnings.isEmpty ? "." : ", with warnings.")
        } else {
            recommendation = "Not recommended yet: " + open.map { "\($0.name) has \($0.gate.unmet.count) open gate item\($0.gate.unmet.count == 1 ? "" : "s")" }
                .joined(separator: "; ") + "."
        }
        var sentences: [String] = []
        let risks = integrations.compactMap(\.risk)
        sentences.append("Overall risk: " + (risks.max().map { "\($0.description)." } ?? "no endpoints declared."))
        let conditions = integrations.flatMap { i in i.conditions.map { "\(i.name): \($0)" } }
        sentences.append(conditions.isEmpty ? "Open conditions: none." : "Open conditions: " + conditions.joined(separator: "; ") + ".")
        sentences.append(warnings.isEmpty ? "Warnings: none." : "Warnings: " + warnings.joined(separator: "; ") + ".")
        let released = integrations.map(\.keysReleased).reduce(0, +)
        let lapsed = integrations.map(\.keysGateLapsed).reduce(0, +)
        sentences.append("Keys released: \(released)" + (lapsed > 0 ? ", \(lapsed) of them with the gate no longer met." : "."))
        self.sentences = sentences
    }
}
