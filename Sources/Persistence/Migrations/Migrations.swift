import FluentKit

/// The one ordered list of migrations. Never edit a shipped migration: add a new one.
enum MigrationList {
    static let all: [any Migration] = [
        CreateUser(),
        CreateApiToken(),
        CreateVendor(),
        CreateAuditTrail(),
        CreateSession(),
        CreateIntegration(),
        CreateWhitelist(),
        CreateCatalogEntry(),
        CreateContract(),
        CreateAnswer(),
        CreateVendorLink(),
        CreateReview(),
        CreateKeyRelease(),
        CreateReminderLog(),
        CreateKeyInventory(),
        CreateLTIConfiguration(),
        CreateDrift(),
        GateHolds(),
        CreateCanvasSync(),
        CreateCanvasWrite(),
        CreateAuditCheckpoint(),
        SessionLastSeen(),
        CreateMailOutbox(),
        CreateDriftJob(),
        LookupIndexes.lookups,
        LookupIndexes.lists,
        SignIn(),
        VendorPrivacyPolicy(),
        CreateHECVATImport(),
        ContractExhibitB(),
    ]
}
