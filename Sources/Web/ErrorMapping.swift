import Domain
import Operations
import Vapor

/// The only place that turns errors into HTTP statuses and the words people see.
struct ErrorMapping: Sendable {
    let status: HTTPStatus
    let code: String
    let message: String
    let fields: [String: String]

    static func map(_ error: any Error) -> ErrorMapping {
        switch error {
        case let error as DomainError:
            return map(error)
        case is CSRFMiddleware.Failure:
            return .init(status: .forbidden, code: "csrf_failed",
                         message: "This form has expired or was sent from another site. Reload the page and try again.", fields: [:])
        case let tooLarge as CSRFMiddleware.TooLarge:
            return .init(status: .payloadTooLarge, code: "payload_too_large",
                         message: "That is too large: this page accepts \(tooLarge.limit). Nothing was saved.", fields: [:])
        case let refusal as CanvasSyncRefusal:
            return .init(status: .conflict, code: refusal == .busy ? "canvas_sync_running" : "canvas_not_connected", message: refusal.description, fields: [:])
        case let canvas as CanvasError:
            // Canvas's own failure, said plainly; the token is never part of it.
            return .init(status: .badGateway, code: "canvas_unavailable", message: canvas.description, fields: [:])
        case is DecodingError:
            return .init(status: .badRequest, code: "bad_request",
                         message: "The query or body could not be read (a value of the wrong type, or a number too large). Send values matching the API description.", fields: [:])
        case let abort as any AbortError:
            return map(status: abort.status)
        default:
            return .init(status: .internalServerError, code: "internal_error",
                         message: "Something went wrong on our side. It has been logged; please try again.", fields: [:])
        }
    }

    static func map(_ error: DomainError) -> ErrorMapping {
        switch error {
        case let .validation(errors):
            return .init(status: .unprocessableEntity, code: "validation_failed",
                         message: "Some fields need attention.", fields: errors.messages)
        case let .notFound(entity):
            return .init(status: .notFound, code: "not_found", message: "That \(entity) does not exist.", fields: [:])
        case let .staleVersion(entity, _, actual):
            return .init(status: .conflict, code: "conflict",
                         message: "Someone else changed this \(entity) while you were editing it (it is now at version \(actual)). Nothing was saved: reload it and apply your changes again.",
                         fields: [:])
        case let .duplicate(field, message):
            return .init(status: .unprocessableEntity, code: "duplicate", message: message, fields: [field: message])
        case .forbidden:
            return map(status: .forbidden)
        case .invalidCredentials:
            return .init(status: .unauthorized, code: "invalid_credentials",
                         message: "That e-mail and password did not work, or the account is temporarily locked.", fields: [:])
        case .invalidToken:
            return .init(status: .unauthorized, code: "unauthorized",
                         message: "A valid API token is required: send Authorization: Bearer <token>.", fields: [:])
        case let .locked(entity):
            return .init(status: .conflict, code: "locked",
                         message: "This \(entity) has been decided and is locked. To change the outcome, start a new review; this one stays in the history.",
                         fields: [:])
        case .separationOfDuties:
            return .init(status: .forbidden, code: "separation_of_duties",
                         message: "You own this integration, so you cannot approve, accept, mark or decide anything about it (separation of duties). Ask another reviewer.", fields: [:])
        case .linkUnusable:
            return .init(status: .notFound, code: "link_unusable",
                         message: "This answer link is not valid. It may have expired or been withdrawn; ask your contact at the institution for a new one.",
                         fields: [:])
        case let .gateUnmet(items):
            return .init(status: .conflict, code: "gate_unmet",
                         message: "The issuance gate is not met, so no key can be released yet: \(items.count) item(s) open.", fields: items)
        case .codeRefused:
            return .init(status: .unprocessableEntity, code: "code_refused", message: "That code did not work.", fields: ["code": "That code did not work."])
        case let .canvasRefused(why):
            return .init(status: .badGateway, code: "canvas_refused", message: why, fields: [:])
        case .rateLimited:
            return .init(status: .tooManyRequests, code: "rate_limited",
                         message: "Too many requests in a short time. Wait a few minutes and try again.", fields: [:])
        }
    }

    static func map(status: HTTPStatus) -> ErrorMapping {
        let message: String
        let code: String
        switch status {
        case .notFound: (code, message) = ("not_found", "There is no page at this address.")
        case .forbidden: (code, message) = ("forbidden", "Your role does not allow this. Ask an admin if you need access.")
        case .unauthorized: (code, message) = ("unauthorized", "Please sign in.")
        case .payloadTooLarge: (code, message) = ("payload_too_large", "The request is larger than this server accepts.")
        case .methodNotAllowed: (code, message) = ("method_not_allowed", "This address does not accept that method.")
        case .unsupportedMediaType: (code, message) = ("unsupported_media_type", "Send the body as JSON or as a form.")
        case .badRequest: (code, message) = ("bad_request", "The request could not be understood.")
        // Vapor's content decoding answers a request without a body this way.
        case .unprocessableEntity: (code, message) = ("body_missing", "The request has no body to read. Send the fields as the API description says.")
        default:
            if status.code >= 500 {
                (code, message) = ("internal_error", "Something went wrong on our side. It has been logged; please try again.")
            } else {
                (code, message) = ("error", status.reasonPhrase)
            }
        }
        return .init(status: status, code: code, message: message, fields: [:])
    }
}
