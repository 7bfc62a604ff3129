import Domain

/// The records both the dated reminders and the work queues are made of. The dashboard shows both, so it
/// reads them once and hands them to each (`ReminderDispatch.subjects(from:)`, `WorkQueues.items(for:from:)`)
/// instead of every list reading the same reviews, releases and links again.
public struct WorkRecords: Sendable {
    /// Every user, active or not.
    public let users: [User]
    /// Released, switched-off and pending key releases.
    public let releases: [KeyRelease]
    public let openReviews: [Review]
    public let decidedReviews: [Review]
    /// The findings of those reviews.
    public let findings: [Review.ID: [Finding]]
    /// Vendor answer links not revoked.
    public let links: [VendorLink]
    /// The integrations with a re-review date and those the releases and reviews above name.
    public let integrations: [Integration.ID: Integration]

    public static func read(from store: Store) async throws -> WorkRecords {
        let releases = try await store.releases.all(in: [.released, .off, .pending])
        let open = try await store.reviews.allOpen()
        let decided = try await store.reviews.allDecided()
        let named = Set(releases.map(\.integrationID) + open.map(\.integrationID) + decided.map(\.integrationID))
        var integrations: [Integration.ID: Integration] = [:]
        for integration in try await store.integrations.reminderCandidates(ids: named) { integrations[integration.id] = integration }
        return WorkRecords(users: try await store.users.list(), releases: releases, openReviews: open, decidedReviews: decided,
                           findings: try await store.reviews.findings(of: (open + decided).map(\.id)),
                           links: try await store.vendorLinks.allUnrevoked(), integrations: integrations)
    }
}
