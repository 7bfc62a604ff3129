// Benchmarks for VendorReview. Prints figures; not a test. Run from the repository root:
//   swift run -c release vendor-review-bench [--entries N] [--runs R]
//   swift run -c release vendor-review-bench --export-events 1000000 [--postgres postgres://…/empty_database]
//   scripts/bench-drift (uses --drift-generate DIR --rows N and --drift-scan DIR)
//   python3 Benchmarks/hecvat.py (uses --hecvat FILE --runs N)
import Domain
import Foundation

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let index = args.firstIndex(of: name), index + 1 < args.count, let number = Int(args[index + 1]) else { return value }
    return number
}

func stringArgument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let index = args.firstIndex(of: name), index + 1 < args.count else { return nil }
    return args[index + 1]
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// A concrete request path for a template, with ids of every shape Canvas accepts.
func concretePath(_ template: RouteTemplate, _ rng: inout SeededGenerator) -> String {
    let variant = template.variants.randomElement(using: &rng)!
    let ids = ["\(Int.random(in: 1...99_999, using: &rng))", "10000000\(Int.random(in: 100_000...999_999, using: &rng))",
               "1~\(Int.random(in: 1...999, using: &rng))", "sis_course_id:ABC-\(Int.random(in: 100...999, using: &rng))", "self"]
    var path = variant.map { segment -> String in
        switch segment {
        case let .literal(text): text
        case .parameter: ids.randomElement(using: &rng)!
        case .glob: "Unit%201/week-\(Int.random(in: 1...15, using: &rng))"
        case let .prefixed(prefix, _): prefix + "x"
        }
    }.joined(separator: "/")
    path = "/" + path
    switch Int.random(in: 0..<4, using: &rng) {
    case 0: path += "?per_page=100&include[]=email"
    case 1: path += "/"
    default: break
    }
    return path
}

/// Runs a step; an error (a missing directory, an unreadable setup, a double that did not start) is
/// printed, not a crash.
func orStop(_ step: () throws -> Void) {
    do { try step() } catch { stop(error) }
}

func orStop(_ step: () async throws -> Void) async {
    do { try await step() } catch { stop(error) }
}

func stop(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("vendor-review-bench: \(error)\n".utf8))
    exit(1)
}

if let index = CommandLine.arguments.firstIndex(of: "--drift-generate"), index + 1 < CommandLine.arguments.count {
    orStop { try driftGenerate(directory: CommandLine.arguments[index + 1], rows: argument("--rows", default: 5_000_000)) }
    exit(0)
}
if let index = CommandLine.arguments.firstIndex(of: "--drift-scan"), index + 1 < CommandLine.arguments.count {
    orStop { try driftScan(directory: CommandLine.arguments[index + 1]) }
    exit(0)
}

if let path = stringArgument("--hecvat") {
    // Benchmarks/hecvat.py builds a workbook and runs this beside its reference.
    orStop { try hecvatBenchmark(path: path, runs: argument("--runs", default: 50)) }
    exit(0)
}

if CommandLine.arguments.contains("--canvas-sync") {
    // `swift build -c release --product vendor-review && swift run -c release vendor-review-bench --canvas-sync`
    await orStop {
        try await canvasBenchmark(keys: argument("--keys", default: 2_000), subAccounts: argument("--sub-accounts", default: 300),
                                  tools: argument("--tools", default: 3_000), users: argument("--users", default: 2_000),
                                  tokensPerUser: argument("--tokens-per-user", default: 10))
    }
    exit(0)
}

if CommandLine.arguments.contains("--canvas-writes") {
    // `swift build -c release --product vendor-review && swift run -c release vendor-review-bench --canvas-writes`
    await orStop { try await canvasWriteBenchmark(keys: argument("--keys", default: 2_000), writes: argument("--writes", default: 50)) }
    exit(0)
}

if CommandLine.arguments.contains("--export-events") {
    // `swift run -c release vendor-review-bench --export-events 1000000 [--postgres URL]`: SQLite, then
    // PostgreSQL beside it when a URL of an empty database is given (scripts/pg-throwaway starts one).
    let events = argument("--export-events", default: 1_000_000)
    await orStop { try await exportBenchmark(events: events, postgres: stringArgument("--postgres")) }
    exit(0)
}

let entryCount = argument("--entries", default: 10_000)
let runs = argument("--runs", default: 25)
let catalogPath = "data/canvas/endpoints.txt"
guard let text = try? String(contentsOfFile: catalogPath, encoding: .utf8) else {
    print("run from the repository root: cannot read \(catalogPath)")
    exit(1)
}

var catalog: [CatalogEntry] = []
let parseTime = seconds { catalog = (try? EndpointCatalog.parse(text, file: catalogPath)) ?? [] }
var matcher = EndpointMatcher([])
let buildTime = seconds { matcher = EndpointMatcher(catalog) }
let checker = EndpointChecker(matcher: matcher)

// A fixed seed, so every run checks the same entries.
var rng = SeededGenerator(seed: 2026_11_23)
var declarations: [(String, String)] = []
for index in 0..<entryCount {
    let entry = catalog.randomElement(using: &rng)!
    var path = concretePath(entry.template, &rng)
    if index % 100 == 0 { path = path.replacingOccurrences(of: "courses", with: "coures") }  // 1% typos
    declarations.append((entry.verb.rawValue, path))
}

var runTimes: [Double] = []
var known = 0
for _ in 0..<runs {
    known = 0
    runTimes.append(seconds {
        for (method, path) in declarations {
            if case .known = checker.check(method: method, path: path) { known += 1 }
        }
    })
}
var knownOnly = declarations.filter { $0.1.contains("coures") == false }
var matchTimes: [Double] = []
for _ in 0..<runs {
    matchTimes.append(seconds {
        for (method, path) in knownOnly { _ = matcher.match(HTTPVerb(rawValue: method)!, path) }
    })
}
knownOnly.removeAll()

let ms = { (value: Double) in String(format: "%.2f ms", value * 1000) }
print("VendorReview benchmark: validate and normalise whitelist entries")
print("  catalog: \(catalog.count) endpoints; parsed in \(ms(parseTime)), matcher built in \(ms(buildTime))")
print("  entries per run: \(entryCount) (\(known) known, \(entryCount - known) unknown with suggestions); runs: \(runs)")
print("  check (normalise + match + suggestions): p50 \(ms(percentile(runTimes, 0.5))), p99 \(ms(percentile(runTimes, 0.99))) per \(entryCount); "
    + String(format: "%.0f entries/s at p50", Double(entryCount) / percentile(runTimes, 0.5)))
let matchCount = entryCount - (entryCount - known)
print("  match only (known entries): p50 \(ms(percentile(matchTimes, 0.5))), p99 \(ms(percentile(matchTimes, 0.99))) per \(matchCount); "
    + String(format: "%.0f entries/s at p50", Double(matchCount) / percentile(matchTimes, 0.5)))
