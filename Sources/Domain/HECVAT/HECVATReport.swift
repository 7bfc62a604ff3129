import Foundation

/// What the HECVAT page shows for an integration: the newest workbook scored, what changed since the
/// one before, which answers it carries into our questionnaires, and every import.
public struct HECVATReport: Equatable, Sendable {
    public let latest: StoredHECVAT
    public let score: HECVATScore
    /// Nil for the first import.
    public let previous: StoredHECVAT?
    public let changes: [HECVATChange]
    public let carried: HECVATCarried
    /// Every import, newest first.
    public let history: [StoredHECVAT]

    /// Nil when no workbook was imported.
    public init?(history: [StoredHECVAT], bank: HECVATBank, policy: HECVATPolicy) {
        guard let latest = history.first else { return nil }
        self.latest = latest
        self.history = history
        score = HECVATScore(latest.workbook, bank: bank, policy: policy)
        previous = history.count > 1 ? history[1] : nil
        changes = previous.map { HECVATChange.between($0.workbook, latest.workbook) } ?? []
        carried = HECVATCarried(latest.workbook, bank: bank)
    }

    /// The non-negotiable questions the newest workbook does not meet, as the gate states them.
    public var unmetNonNegotiable: [String] {
        score.unmetNonNegotiable.map { item in
            "\(item.answer.id) answered “\(item.answer.response == .unanswered ? "nothing" : String(item.answer.answer.prefix(40)))” (\(item.preferred?.label ?? "?") required)"
        }
    }
}
