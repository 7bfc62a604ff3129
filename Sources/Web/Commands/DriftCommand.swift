import Domain
import Foundation
import Operations
import Persistence
import Vapor

/// `vendor-review drift FILE… [--json] [--column field=header]…`
struct DriftCommand: AnyAsyncCommand {
    var help: String {
        """
        Scans Canvas request logs (web_logs as CSV or JSON Lines, gzip or not) for calls outside each integration's approved whitelist, \
        unknown keys and idle keys; stores the scan and prints a summary (--json for machine output). \
        --column field=header names a column the log calls differently (fields: \(WebLogField.allCases.map(\.rawValue).joined(separator: ", "))).
        """
    }

    func outputHelp(using context: inout CommandContext) throws {
        context.console.output("Usage: vendor-review drift FILE… [--json] [--column field=header]…", style: .plain, newLine: true)
        context.console.output(help, style: .plain, newLine: true)
    }

    func run(using context: inout CommandContext) async throws {
        var files: [String] = []
        var json = false
        var columnPairs: [String] = []
        var arguments = context.input.arguments[...]
        while let argument = arguments.popFirst() {
            switch argument {
            case "--json": json = true
            case "--column":
                guard let pair = arguments.popFirst() else { throw CommandFailure("--column needs field=header") }
                columnPairs.append(pair)
            case "--help", "-h":
                try outputHelp(using: &context)
                return
            default:
                if argument.hasPrefix("--column=") { columnPairs.append(String(argument.dropFirst(9))); continue }
                guard !argument.hasPrefix("--") else { throw CommandFailure("unknown option \(argument)") }
                files.append(argument)
            }
        }
        guard !files.isEmpty else { throw CommandFailure("name at least one log file: vendor-review drift FILE…") }
        for file in files where !FileManager.default.isReadableFile(atPath: file) { throw CommandFailure("cannot read \(file)") }
        let columns: WebLogColumns
        do { columns = try WebLogColumns.parse(columnPairs) } catch let error as WebLogError { throw CommandFailure(error.description) }

        let app = context.application
        try await CommandSupport.ready(app)
        let setup = try await app.operations.drift.setup(columns: columns)
        let console = context.console
        let started = Date()
        let report: DriftReport
        do {
            report = try DriftScans.scan(files: files, setup: setup, limit: app.context.policy.inflateLimit) { progress in
                let percent = progress.totalBytes > 0 ? Int(progress.bytesRead * 100 / progress.totalBytes) : 100
                // Progress goes to standard error, so --json output stays clean.
                FileHandle.standardError.write(Data("drift: \(percent)% read, \(progress.rows) rows\n".utf8))
            }
        } catch let failure as LogFile.Failure {
            throw CommandFailure(failure.description)
        }
        let seconds = Date().timeIntervalSince(started)
        let names = files.map { ($0 as NSString).lastPathComponent }
        let scan = try await app.operations.drift.record(report, files: names, by: .commandLine)
        if json {
            try CommandSupport.printJSON(DriftJSON.scan(scan), to: console)
        } else {
            for line in DriftSummary.lines(report, scanID: scan.id.description, seconds: seconds) { console.output(line, style: .plain, newLine: true) }
        }
    }
}

/// The plain-text summary the command prints.
enum DriftSummary {
    static func lines(_ report: DriftReport, scanID: String, seconds: Double) -> [String] {
        var lines: [String] = []
        let rate = seconds > 0 ? Int(Double(report.rows) / seconds) : report.rows
        lines.append("drift: \(report.rows) rows in \(String(format: "%.1f", seconds)) s (\(rate) rows/s); \(report.malformed) malformed; \(report.attributed) attributed to integrations")
        if let first = report.firstSeen, let last = report.lastSeen { lines.append("log covers \(first) – \(last)") }
        for integration in report.integrations where integration.requests > 0 || !integration.findings.isEmpty {
            lines.append("\(integration.name): \(integration.requests) requests, \(integration.inScope) in scope, \(integration.outOfScope) out of scope, \(integration.includeFlagged) with include[] not allowed")
            for finding in integration.findings.prefix(20) {
                lines.append("  \(finding.kind == .outOfScope ? "OUT OF SCOPE" : "INCLUDE[]   ") \(finding.method) \(finding.endpoint) ×\(finding.count) (\(finding.firstSeen) – \(finding.lastSeen))")
            }
            if integration.findings.count > 20 { lines.append("  … and \(integration.findings.count - 20) more") }
        }
        for key in report.unknownKeys.prefix(20) { lines.append("unknown key \(key.keyID): \(key.count) requests (\(key.firstSeen) – \(key.lastSeen))") }
        if report.unknownKeysNotListed > 0 { lines.append("… and \(report.unknownKeysNotListed) more unknown keys") }
        if let notice = report.findingsCutNotice { lines.append("NOTE: " + notice) }
        for key in report.idleKeys { lines.append("idle key \(key.keyID) (\(key.name)): released and on, never seen in this log") }
        for row in report.malformedSamples.prefix(10) { lines.append("malformed: \(row.file.isEmpty ? "" : row.file + ":")\(row.line): \(row.reason)") }
        if report.malformed > 10 { lines.append("… \(report.malformed - 10) more malformed rows (the stored scan lists the first \(DriftScanner.malformedSampleLimit))") }
        lines.append("scan \(scanID) stored")
        return lines.map(printable)
    }

    /// Text from a log (paths, key ids, timestamps) made safe for a terminal: control characters,
    /// such as the escape that starts a colour or cursor sequence, are shown as `\x1B`, never sent.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += scalar.value <= 0xFF ? String(format: "\\x%02X", scalar.value) : String(format: "\\u{%04X}", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format
    }
}
