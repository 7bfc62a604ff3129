import Domain
import Operations
import Persistence
import Vapor

/// Input every controller reads the same way: records named by path parameters, and the version
/// a form or JSON body says it was based on.
extension Request {
    /// The record named by a path parameter; `.notFound(entity)` for a missing or malformed id.
    func record<T>(_ parameter: String, _ entity: String, _ find: (Identifier<T>) async throws -> T?) async throws -> T {
        guard let id = parameters.get(parameter).flatMap(Identifier<T>.init(string:)), let found = try await find(id) else {
            throw DomainError.notFound(entity: entity)
        }
        return found
    }

    func vendorParameter() async throws -> Vendor { try await record("vendorID", "vendor", store.vendors.find) }
    func integrationParameter() async throws -> Integration { try await record("integrationID", "integration", store.integrations.find) }
    func contractParameter() async throws -> Contract { try await record("contractID", "contract", store.contracts.find) }
    func userParameter() async throws -> User { try await record("userID", "user", store.users.find) }

    /// The integration and the questionnaire an answers address names.
    func integrationAndQuestionnaire() async throws -> (Integration, Questionnaire) {
        (try await integrationParameter(), try operations.answers.questionnaire(parameters.get("questionnaireID")))
    }

    /// The whitelist versions named by `?from=&to=` (default: the last two) and what changed between them.
    func requestedDiff(_ integration: Integration) async throws -> (from: Int, to: Int, diff: WhitelistDiff) {
        try await operations.whitelists.diff(integration, from: try? query.get(Int.self, at: "from"), to: try? query.get(Int.self, at: "to"))
    }
}

enum VersionInput {
    /// The hidden `version` field of an edit form.
    static func form(_ raw: String?) throws -> Int {
        guard let version = raw.flatMap({ Int($0) }) else {
            throw DomainError.validation(ValidationErrors(["version": "The form is missing its version; reload the page."]))
        }
        return version
    }

    /// The `version` of a JSON body.
    static func api(_ value: Int?, hint: String = "send the version you last read.") throws -> Int {
        guard let value else { throw DomainError.validation(ValidationErrors(["version": "version is required: \(hint)"])) }
        return value
    }
}

extension ErrorMapping {
    /// The banner above a form: the message itself, or a pointer to the marked fields.
    var formMessage: String { fields.isEmpty ? message : "Please correct the fields marked below. Nothing was saved." }

    /// The banner for a one-button form that marks no fields: the field messages themselves, in field order.
    var bannerMessage: String {
        fields.isEmpty ? message : fields.sorted { $0.key < $1.key }.map(\.value).joined(separator: " ")
    }
}
