import Domain
import Foundation
import Operations
import Vapor

struct EndpointsCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["check": EndpointsCheckCommand()] }
    var help: String { "Check Canvas API endpoint lists against the catalog." }
}

/// `endpoints check [FILE|-]`: for an admin holding a vendor's list, offline and without the database.
public struct EndpointsCheckCommand: AsyncCommand {
    public struct Signature: CommandSignature {
        @Argument(name: "file", help: "A file of lines 'METHOD PATH [# justification]'; - or nothing reads stdin.")
        var file: String
        public init() {}
    }

    /// What `-` (or a missing file) becomes before ConsoleKit, which reads a lone `-` as a flag.
    static let standardInput = "/dev/stdin"

    /// `vendor-review endpoints check [FILE|-]`: rewrites `-` or a missing FILE to `/dev/stdin`.
    public static func normalise(arguments: [String]) -> [String] {
        guard arguments.count >= 3, arguments[1] == "endpoints", arguments[2] == "check" else { return arguments }
        var result = arguments
        if result.count == 3 { result.append(standardInput) }
        if result[3] == "-" { result[3] = standardInput }
        return result
    }

    public var help: String {
        "Prints each line's Canvas route template (or why it is unknown, with suggestions), a risk summary and the url: scope strings. Exit 1 when any line is unknown."
    }

    public init() {}

    /// The number of the first line that is not valid UTF-8.
    static func firstLineNotUTF8(_ data: Data) -> Int? {
        for (offset, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            return offset + 1
        }
        return nil
    }

    public func run(using context: CommandContext, signature: Signature) async throws {
        let text: String
        if signature.file == EndpointsCheckCommand.standardInput {
            text = AnyIterator { readLine(strippingNewline: true) }.joined(separator: "\n")
        } else {
            guard let data = FileManager.default.contents(atPath: signature.file) else {
                throw CommandFailure("cannot read \(signature.file)")
            }
            guard let contents = String(data: data, encoding: .utf8) else {
                let line = Self.firstLineNotUTF8(data).map { "line \($0)" } ?? "a line"
                throw CommandFailure("\(signature.file): \(line) is not UTF-8 text; save the list as UTF-8")
            }
            text = contents
        }
        // Works offline: entries imported into the database are included when it can be reached.
        let catalog = context.application.operations.catalog
        let matcher: EndpointMatcher
        do {
            matcher = try await catalog.matcher()
        } catch {
            matcher = catalog.shippedMatcher
            FileHandle.standardError.write(Data("note: database not reachable; checking against the shipped catalog only\n".utf8))
        }
        let report = EndpointListReport(text: text, checker: EndpointChecker(matcher: matcher))
        print(report.render(), terminator: "")
        if report.unknownCount > 0 {
            throw CommandFailure("\(report.unknownCount) line(s) name endpoints the catalog does not know")
        }
    }
}

/// The text `endpoints check` prints, kept apart from the command so it can be tested.
struct EndpointListReport {
    struct Line {
        let number: Int
        let declaration: EndpointDeclaration
        let result: EndpointCheckResult
    }

    let lines: [Line]

    init(text: String, checker: EndpointChecker) {
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().compactMap { offset, raw in
            guard let declaration = EndpointDeclaration.parseLine(String(raw)) else { return nil }
            return Line(number: offset + 1, declaration: declaration,
                        result: checker.check(method: declaration.method, path: declaration.path))
        }
    }

    var known: [CatalogEntry] {
        lines.compactMap { if case let .known(entry) = $0.result { return entry } else { return nil } }
    }

    var unknownCount: Int { lines.count - known.count }

    func render() -> String {
        var out = ""
        for line in lines {
            let declared = "\(line.declaration.method) \(line.declaration.path)"
            switch line.result {
            case let .known(entry):
                out += "line \(line.number): ok       \(declared)\n"
                out += "           → \(entry.key)  (\(entry.access.rawValue), \(entry.group), \(entry.kinds.sorted().map(\.rawValue).joined(separator: "+")), risk \(entry.risk))\n"
                if EndpointChecker.namesParametersDifferently(line.declaration.path, from: entry) {
                    out += "           ! Canvas writes this \(entry.template.text); the whitelist and the scope use Canvas's text\n"
                }
                if line.declaration.justification.isEmpty {
                    out += "           ! no justification: add '# why the integration needs this' after the path\n"
                }
            case let .unknown(reason, suggestions):
                out += "line \(line.number): UNKNOWN  \(declared)\n"
                out += "           \(reason)\n"
                for (index, suggestion) in suggestions.enumerated() {
                    out += (index == 0 ? "           did you mean: " : "                         ") + suggestion.key + "\n"
                }
            }
        }
        let summary = WhitelistSummary(known)
        out += "\n\(known.count) known, \(unknownCount) unknown"
        if let risk = summary.overallRisk { out += "; overall risk \(risk)" }
        out += ". \(summary.sentence)\n"
        let scopes = ScopeExport.scopeLines(known)
        if !scopes.isEmpty {
            out += "\nCanvas scopes (paste into the developer key, with Enforce Scopes on):\n"
            out += scopes.joined(separator: "\n") + "\n"
        }
        return out
    }
}
