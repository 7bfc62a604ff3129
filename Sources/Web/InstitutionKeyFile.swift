import Domain
import Foundation
import Logging

/// Reads the institution's key from `SECRET_KEY_FILE`, or from `var/secret.key`, which is created
/// (readable by its owner only) the first time the app starts without one. Errors name the file,
/// never its content.
enum InstitutionKeyFile {
    static func load(_ config: AppConfig, logger: Logger) throws -> InstitutionKey {
        let path = config.secretKeyFile
        if !FileManager.default.fileExists(atPath: path) {
            if config.secretKeyFileIsConfigured {
                throw ConfigurationError(variable: "SECRET_KEY_FILE", problem: "the file it names does not exist (create one with: head -c 32 /dev/urandom | base64 > FILE)")
            }
            try create(at: path, logger: logger)
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 4_096, let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(variable: "SECRET_KEY_FILE", problem: "cannot read \(path) as a short text file")
        }
        do {
            return try InstitutionKey(fileText: text)
        } catch let problem as InstitutionKey.Problem {
            throw ConfigurationError(variable: "SECRET_KEY_FILE", problem: "\(path): \(problem.description)")
        }
    }

    /// Writes a new key beside its final name and links it into place, so two processes starting at
    /// once end up with the same key (the second link fails and that process reads the first one's).
    private static func create(at path: String, logger: Logger) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (key, text) = InstitutionKey.generate()
        let temporary = path + ".\(UUID().uuidString).new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError(variable: "SECRET_KEY_FILE", problem: "cannot create \(path)")
        }
        defer { unlink(temporary) }
        if link(temporary, path) == 0 {
            logger.notice("created the institution key; back it up, exports are signed with it",
                          metadata: ["file": .string(path), "public_key": .string(key.publicKeyText)])
        } else if errno != EEXIST {
            throw ConfigurationError(variable: "SECRET_KEY_FILE", problem: "cannot create \(path)")
        }
    }
}
