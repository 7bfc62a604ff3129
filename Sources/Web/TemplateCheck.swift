import Leaf
import LeafKit
import Vapor

/// Templates: an institution's overrides first, then the shipped ones; every template is rendered
/// once at start-up so a broken file stops the app with its name instead of failing a later request.
enum TemplateCheck {
    struct Broken: Error, CustomStringConvertible {
        let description: String
    }

    static func sources(_ app: Application, config: AppConfig) throws -> LeafSources {
        let sources = LeafSources()
        func files(_ directory: String) -> NIOLeafFiles {
            NIOLeafFiles(fileio: app.fileio, limits: .default, sandboxDirectory: directory, viewDirectory: directory)
        }
        if standardized(config.templatesDirectory) != standardized(config.shippedTemplatesDirectory) {
            guard FileManager.default.fileExists(atPath: config.templatesDirectory) else {
                throw ConfigurationError(variable: "TEMPLATES_DIR", problem: "is not a directory")
            }
            try sources.register(source: "overrides", using: files(config.templatesDirectory))
        }
        try sources.register(source: "shipped", using: files(config.shippedTemplatesDirectory))
        return sources
    }

    static func standardized(_ path: String) -> String { URL(fileURLWithPath: path, isDirectory: true).standardized.path }

    /// Every `.leaf` file's name relative to its directory ("reports/packet").
    static func templateNames(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The serializer's complaints about data (a loop over a missing list), which come only after
    /// the template was lexed, parsed and its `#extend`s resolved.
    static func isMissingData(_ error: LeafError) -> Bool {
        guard case let .unknownError(message) = error.reason else { return false }
        return message.hasPrefix("expected array at key") || message.hasPrefix("expected dictionary at key")
    }

    static func renderAll(_ app: Application, config: AppConfig) async throws {
        var names = Set(templateNames(in: config.shippedTemplatesDirectory))
        let overrides = templateNames(in: config.templatesDirectory)
        names.formUnion(overrides)
        let overridden = Set(standardized(config.templatesDirectory) == standardized(config.shippedTemplatesDirectory) ? [] : overrides)
        for name in names.sorted() {
            do {
                _ = try await app.leaf.renderer.render(path: name, context: [:]).get()
            } catch let error as LeafError where isMissingData(error) {
                // Parsed and resolved; it only stopped at a loop over data this empty render lacks.
                continue
            } catch {
                let file = (overridden.contains(name) ? config.templatesDirectory : config.shippedTemplatesDirectory) + name + ".leaf"
                throw Broken(description: "template \(file) cannot be used: \(error)")
            }
        }
    }
}
