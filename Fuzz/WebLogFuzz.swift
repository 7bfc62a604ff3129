// libFuzzer entry for the request-log readers and the drift scanner (scripts/fuzz builds it with
// the Domain files it needs). Any input must end in a report or a WebLogError: never a crash, an
// out-of-bounds read (AddressSanitizer) or unbounded memory.
import Foundation

let fuzzSetup: DriftSetup = {
    let catalog = [
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/courses/:course_id/users"),
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/courses/:course_id/assignments/overrides"),
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/courses/:course_id/assignments/:id"),
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/users/:user_id/custom_data(/*scope)"),
        DriftTarget.Endpoint(verb: .PUT, template: "/api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id"),
        // Canvas's route order and the table's constraints: patterns, a run-time check, a `by_:param` segment.
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/jobs2/:bucket", order: 1, constraints: [RouteConstraint(notation: "bucket=running|queued")!]),
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/jobs2/clusters", order: 2),
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/jobs2/:id", order: 3, constraints: [RouteConstraint(notation: #"id=\d+"#)!]),
        DriftTarget.Endpoint(verb: .GET, template: "/api/v1/jobs2/:bucket/by_:group/search", order: 4),
        DriftTarget.Endpoint(verb: .POST, template: "/api/lti/courses/:course_id/tool_proxy", order: 5,
                             constraints: [RouteConstraint(.request("Lti::ReRegConstraint"))]),
    ]
    let target = DriftTarget(integrationID: "i", name: "Fuzzed", keys: [.init(canvasKeyID: "17", isOn: true), .init(canvasKeyID: "k~x", isOn: false)],
                             serviceAccountUserIDs: ["42"], userAgentPatterns: ["bot"], whitelist: [catalog[0], catalog[3]], allowIncludes: false)
    return DriftSetup(targets: [target], catalog: catalog, otherKnownKeys: ["99"])
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func webLogFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // The first byte picks a chunk size, so row boundaries fall everywhere.
    let chunk = size > 0 ? Int(bytes[0]) % 64 + 1 : 1
    // A small buffer, so rows cross its end and overlong rows happen within -max_len.
    let scanner = DriftScanner(fuzzSetup, bufferSize: 4096)
    do {
        var offset = 0
        while offset < size {
            let end = min(offset + chunk, size)
            try scanner.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            offset = end
        }
        let report = try scanner.finish()
        precondition(report.malformed <= report.rows)
        precondition(report.malformedSamples.count <= DriftScanner.malformedSampleLimit)
    } catch is WebLogError {
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}
