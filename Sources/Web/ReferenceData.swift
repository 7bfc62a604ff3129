import Domain
import Foundation

/// Reference data shipped in `data/`, loaded and validated at start-up so a broken file stops the
/// app with its name and line instead of failing at first use.
enum ReferenceData {
    static let catalogFile = "canvas/endpoints.txt"

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The `# canvas-commit:` stamp of the shipped catalog (nil for a hand-written one).
    static func catalogCommit(dataDirectory: String) -> String? {
        guard let data = FileManager.default.contents(atPath: dataDirectory + catalogFile) else { return nil }
        return EndpointCatalog.canvasCommit(in: String(decoding: data.prefix(4096), as: UTF8.self))
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

import Yams

extension ReferenceData {
    static let questionnaireDirectory = "questionnaires/"

    /// Every `*.yaml` in `data/questionnaires/`, validated; a problem names the file and line.
    static func loadQuestionnaires(dataDirectory: String) throws -> [Questionnaire] {
        let directory = dataDirectory + questionnaireDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw LoadError(description: "cannot read the questionnaire definitions in \(directory)")
        }
        var result: [Questionnaire] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = directory + name
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw LoadError(description: "cannot read \(path)")
            }
            result.append(try parseQuestionnaire(text, file: path))
        }
        if result.isEmpty { throw LoadError(description: "no questionnaire definitions (*.yaml) in \(directory)") }
        var ids = Set<String>()
        for questionnaire in result where !ids.insert(questionnaire.id).inserted {
            throw LoadError(description: "two questionnaire files use the id '\(questionnaire.id)'")
        }
        return result
    }

    static func parseQuestionnaire(_ text: String, file: String) throws -> Questionnaire {
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw LoadError(description: "\(file): not valid YAML: \(error)")
        }
        guard let root else { throw LoadError(description: "\(file): the file is empty") }
        do {
            return try QuestionnaireDefinition.parse(definitionNode(root), file: file)
        } catch let error as DefinitionError {
            throw LoadError(description: error.description)
        }
    }

    /// YAML node → Domain's line-numbered tree. Scalars keep their text as written ("yes" stays "yes").
    static func definitionNode(_ node: Yams.Node) -> DefinitionNode {
        let line = node.mark?.line ?? 0
        switch node {
        case let .scalar(scalar):
            return .scalar(scalar.string, line: line)
        case let .mapping(mapping):
            return .mapping(mapping.map { pair in
                (key: pair.key.string ?? "", keyLine: pair.key.mark?.line ?? line, value: definitionNode(pair.value))
            }, line: line)
        case let .sequence(sequence):
            return .sequence(sequence.map(definitionNode), line: line)
        case .alias:
            return .scalar("", line: line)
        }
    }
}

extension ReferenceData {
    /// `data/policy.yaml`, or the defaults when the file is absent. Questionnaires it names must exist.
    static func loadPolicy(dataDirectory: String, questionnaires: [Questionnaire]) throws -> Policy {
        let path = dataDirectory + "policy.yaml"
        guard FileManager.default.fileExists(atPath: path) else { return .standard }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "cannot read \(path)")
        }
        let policy: Policy
        do {
            guard let root = try Yams.compose(yaml: text) else { return .standard }
            policy = try Policy.parse(definitionNode(root), file: path)
        } catch let error as DefinitionError {
            throw LoadError(description: error.description)
        } catch {
            throw LoadError(description: "\(path): not valid YAML: \(error)")
        }
        let known = Set(questionnaires.map(\.id))
        if let missing = policy.questionnaireIDs.first(where: { !known.contains($0) }) {
            throw LoadError(description: "\(path): the policy names the questionnaire '\(missing)', which is not in questionnaires/")
        }
        return policy
    }
}

extension ReferenceData {
    static let hecvatFile = "hecvat/hecvat4.yaml"

    /// `data/hecvat/hecvat4.yaml`: HECVAT scoring data and the questions our questionnaires share. Without
    /// the file, workbooks are still read and shown, unscored.
    static func loadHECVATBank(dataDirectory: String, questionnaires: [Questionnaire]) throws -> HECVATBank {
        let path = dataDirectory + hecvatFile
        guard FileManager.default.fileExists(atPath: path) else { return .empty }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "cannot read \(path)")
        }
        do {
            guard let root = try Yams.compose(yaml: text) else { return .empty }
            return try HECVATBank.parse(definitionNode(root), file: path, questionnaires: questionnaires)
        } catch let error as DefinitionError {
            throw LoadError(description: error.description)
        } catch {
            throw LoadError(description: "\(path): not valid YAML: \(error)")
        }
    }
}
