import Foundation

/// Every failure the domain reports. `Web/ErrorMapping.swift` is the only place mapping these to HTTP.
public enum DomainError: Error, Equatable, Sendable {
    /// Input failed validation; messages are keyed by field.
    case validation(ValidationErrors)
    /// The record does not exist (or is not visible to the caller).
    case notFound(entity: String)
    /// A save was based on an older version of the record.
    case staleVersion(entity: String, expected: Int, actual: Int)
    /// A unique value is already taken.
    case duplicate(field: String, message: String)
    /// The caller may not do this.
    case forbidden
    /// Login failed; deliberately says nothing about why.
    case invalidCredentials
    /// An API token is missing, unknown, revoked or expired; deliberately generic.
    case invalidToken
    /// The record is decided and may no longer change (a decided review).
    case locked(entity: String)
    /// The integration's owner may not decide its own reviews.
    case separationOfDuties
    /// A vendor answer link is unknown, expired or revoked; deliberately generic.
    case linkUnusable
    /// Too many requests in a short time.
    case rateLimited
    /// The issuance gate has unmet items (id → reason); nothing may be released.
    case gateUnmet([String: String])
    /// A key release confirmation code did not work; deliberately says nothing about why.
    case codeRefused
    /// Canvas did not make a change VendorReview asked for (refused, or reading back showed otherwise);
    /// nothing that depended on it was recorded. The words say what Canvas did.
    case canvasRefused(String)
}
