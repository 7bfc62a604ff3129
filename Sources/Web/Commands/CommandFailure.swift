import Domain
import Foundation
import Vapor

/// A command that failed for a reason the person can act on. `main` prints it and exits 1.
public struct CommandFailure: DebuggableError {
    public let reason: String
    public init(_ message: String) { reason = message }

    /// What `main` prints for any error: a command's own reason, a domain error's message, and for
    /// anything else (a database driver's error, say) a plain sentence; the details go to the log only.
    public static func message(for error: any Error, logger: Logger) -> String {
        switch error {
        case let failure as CommandFailure: return failure.reason
        case let domain as DomainError: return describe(domain)
        default:
            // Our own modules' errors and the console's (an unknown option, say) are written for people.
            let module = String(reflecting: type(of: error)).prefix { $0 != "." }
            if ["Domain", "Persistence", "Web", "ConsoleKitCommands", "ConsoleKit"].contains(module) { return "\(error)" }
            logger.error("command failed", metadata: ["error": "\(String(reflecting: error))"])
            return "the command failed (\(type(of: error))); the log has the details"
        }
    }

    public var identifier: String { "command_failed" }
    public var description: String { reason }
    /// `main` prints the message; Vapor's own report of it is only wanted when debugging.
    public var logLevel: Logger.Level { .debug }

    /// A domain error as a command prints it: the message, or each field as its option.
    static func describe(_ error: DomainError) -> String {
        let mapped = ErrorMapping.map(error)
        if mapped.fields.isEmpty { return mapped.message }
        return mapped.fields.sorted { $0.key < $1.key }.map { "--\($0.key): \($0.value)" }.joined(separator: "\n")
    }
}
