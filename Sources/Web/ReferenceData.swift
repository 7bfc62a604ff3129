import Domain
import Foundation

/// Reference data shipped in `data/`, loaded and validated at start-up so a broken file stops the
/// app with its name and line instead of failing at first use.
enum ReferenceData {
    static let catalogFile = "canvas/endpoints.txt"

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    static func loadCatalog(dataDirectory: String) throws -> [CatalogEntry] {
        let path = dataDirectory + catalogFile
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "cannot read the Canvas endpoint catalog at \(path) (set DATA_DIR to the folder holding canvas/endpoints.txt)")
        }
        do {
            return try EndpointCatalog.parse(text, file: path)
        } catch let error as CatalogError {
            throw LoadError(description: "Canvas endpoint catalog: \(error)")
        }
    }
}
