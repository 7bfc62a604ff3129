import Domain
import Foundation
import Vapor

/// `vendor-review lti inspect FILE`: what a configuration holds, as JSON, without a database.
struct LTICommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["inspect": LTIInspectCommand()] }
    var help: String { "Work with LTI tool configurations." }
}

struct LTIInspectCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "An LTI 1.3 JSON or LTI 1.1 XML configuration.")
        var file: String
        init() {}
    }

    var help: String { "Prints lti_version, title, privacy_level, placements, scopes, target_link_uri and domains as JSON; exit 1 for a file it cannot accept." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw CommandFailure("cannot read \(signature.file)") }
        do {
            let c = try LTIConfigurationParser.parse([UInt8](data))
            let output = ReviewJSON.object(["lti_version": c.ltiVersion, "title": c.title, "privacy_level": c.privacyLevel.rawValue, "placements": c.placements,
                                            "scopes": c.scopes, "target_link_uri": c.targetLinkURI, "domains": c.domains])
            try CommandSupport.printJSON(output, to: context.console)
        } catch let error as LTIConfigurationError {
            throw CommandFailure("\(signature.file): \(error.description)")
        }
    }
}
