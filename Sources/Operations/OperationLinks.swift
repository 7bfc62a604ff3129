import Domain
import Foundation

/// The absolute addresses mail points at; the web app knows its routes and public address.
public struct OperationLinks: Sendable {
    /// The page that fixes a gate item or shows a reminder's subject.
    public let gateFix: @Sendable (GateFix?) -> String
    public let integration: @Sendable (Integration.ID) -> String
    /// A vendor contact's answer link, from its secret.
    public let vendorResponse: @Sendable (String) -> String

    public init(gateFix: @escaping @Sendable (GateFix?) -> String, integration: @escaping @Sendable (Integration.ID) -> String,
                vendorResponse: @escaping @Sendable (String) -> String) {
        self.gateFix = gateFix
        self.integration = integration
        self.vendorResponse = vendorResponse
    }
}
