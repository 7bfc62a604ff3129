import CanvasAPI
import CanvasDouble
import Domain
import Foundation
import Logging
import Testing

/// The real Canvas client against the Canvas double running as its own process: paging, throttling,
/// refusals, faults and limits, as Canvas answers them on the wire.
@Suite(.serialized) struct CanvasClientTests {
    static let keysPath = "/api/v1/accounts/self/developer_keys"

    func client(_ double: CanvasDoubleProcess, token: String = CanvasDoubleProcess.token, adjust: (inout CanvasSettings) -> Void = { _ in }) -> CanvasClient {
        var settings = double.settings(token: token)
        adjust(&settings)
        return CanvasClient(settings: settings, logger: Logger(label: "test"))
    }

    @Test func readsEveryPageWithTheFewestRequests() async throws {
        try await CanvasDoubleProcess.with(.sample(keys: 250)) { double in
            let client = client(double)
            let pages = try await client.list(Self.keysPath, query: [])
            let keys = try pages.flatMap { try CanvasWire.developerKeys($0, inherited: false) }
            await client.close()
            #expect(pages.count == 3, "per_page=100: 250 keys are three pages")
            #expect(await client.requestCount() == 3 + client.retryReasons().count, "one request a page, bar a retried blip on a loaded machine")
            #expect(Set(keys.map(\.id)).count == 250)
            #expect(keys.allSatisfy { $0.redirectURIs.count == 2 }, "newline-joined redirect_uris become a list")
        }
    }

    @Test func followsRelativeLinksWithoutALastLink() async throws {
        var scenario = CanvasScenario.sample(keys: 120)
        var quirks = CanvasScenario.Quirks()
        quirks.relativeLinks = true
        quirks.omitLast = true
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            let client = client(double)
            let keys = try await client.list(Self.keysPath, query: []).flatMap { try CanvasWire.developerKeys($0, inherited: false) }
            await client.close()
            #expect(keys.count == 120)
        }
    }

    @Test(arguments: ["429", "403"]) func waitsOutThrottlingInEitherForm(style: String) async throws {
        var scenario = CanvasScenario.sample(keys: 250)
        var quirks = CanvasScenario.Quirks()
        quirks.throttleEvery = 2
        quirks.throttleStyle = style
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            let client = client(double)
            let keys = try await client.list(Self.keysPath, query: []).flatMap { try CanvasWire.developerKeys($0, inherited: false) }
            let requests = await client.requestCount()
            await client.close()
            #expect(keys.count == 250)
            #expect(requests > 3, "throttled requests were retried (\(requests) requests for 3 pages)")
        }
    }

    @Test func aRefusedTokenIsSaidPlainlyWithoutTheToken() async throws {
        try await CanvasDoubleProcess.with(.sample()) { double in
            let client = client(double, token: "wrong-token-value")
            await #expect(throws: CanvasError.tokenRefused) { try await client.get("/api/v1/accounts/self", query: []) }
            let retried = await client.retryReasons()
            let requests = await client.requestCount()
            #expect(!retried.contains(.tokenRefused) && requests == 1 + retried.count,
                    "401 is not retried (other retries on a loaded machine: \(retried))")
            await client.close()
            #expect(!CanvasError.tokenRefused.description.contains("wrong-token-value"))
        }
    }

    @Test func rootOnlyEndpointsAnswer404OnASubAccount() async throws {
        try await CanvasDoubleProcess.with(.sample()) { double in
            let client = client(double)
            let path = "/api/v1/accounts/10000000000002/developer_keys"
            await #expect(throws: CanvasError.notFound(path: path)) { try await client.list(path, query: []) }
            await client.close()
            #expect(CanvasError.notFound(path: path).description.contains("root account"))
        }
    }

    @Test func retriesAServerErrorInTheMiddleOfAListingAndGivesUpWhenItStays() async throws {
        // A loaded machine can drop a loopback connection or miss a time-out now and then; the client retries
        // that too. So the counts below are held to the 500s the double served, plus any other retry, named.
        let serverError = CanvasError.status(500, path: Self.keysPath)
        var scenario = CanvasScenario.sample(keys: 250)
        var quirks = CanvasScenario.Quirks()
        quirks.serverError = CanvasScenario.PageFault(path: Self.keysPath, page: 2, times: 1)
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            let client = client(double)
            let keys = try await client.list(Self.keysPath, query: []).flatMap { try CanvasWire.developerKeys($0, inherited: false) }
            let requests = await client.requestCount()
            let reasons = await client.retryReasons()
            #expect(keys.count == 250)
            #expect(reasons.count(where: { $0 == serverError }) == 1, "page 2 answered 500 once, then 200: \(reasons)")
            #expect(requests == 3 + reasons.count, "three pages answered, and each retry one request more: \(reasons)")
            await client.close()
        }
        quirks.serverError = CanvasScenario.PageFault(path: Self.keysPath, page: 2, times: 99)
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            let client = client(double) { $0.maxRetries = 2 }
            await #expect(throws: serverError) { try await client.list(Self.keysPath, query: []) }
            let reasons = await client.retryReasons()
            let others = reasons.filter { $0 != serverError }
            let requests = await client.requestCount()
            #expect(reasons.count(where: { $0 == serverError }) <= 2, "at most maxRetries retries of page 2: \(reasons)")
            #expect(requests == 2 + reasons.count, "page 1 answered, page 2 given up on, and each retry one request more: \(reasons)")
            #expect(!others.isEmpty || requests == 4, "page 1, then page 2 three times")
            await client.close()
        }
    }

    @Test func aSlowPageTimesOutAndIsRetriedBoundedly() async throws {
        var scenario = CanvasScenario.sample(keys: 5)
        var quirks = CanvasScenario.Quirks()
        quirks.slowPage = CanvasScenario.PageFault(path: Self.keysPath, page: 1, milliseconds: 3_000)
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            let client = client(double) {
                $0.readTimeout = 0.3
                $0.requestTimeout = 0.5
                $0.maxRetries = 1
            }
            await #expect(throws: CanvasError.timedOut(path: Self.keysPath)) { try await client.list(Self.keysPath, query: []) }
            #expect(await client.requestCount() == 2)
            await client.close()
        }
    }

    @Test func refusesPagesOverTheLimitAndNestedTooDeep() async throws {
        var scenario = CanvasScenario.sample()
        var quirks = CanvasScenario.Quirks()
        quirks.oversizePath = Self.keysPath
        quirks.deepPath = "/api/v1/accounts/self/external_tools"
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            let client = client(double)
            await #expect(throws: CanvasError.tooLarge(path: Self.keysPath, limit: 16 * 1_048_576)) { try await client.list(Self.keysPath, query: []) }
            let deep = try await client.get("/api/v1/accounts/self/external_tools", query: [])
            #expect(throws: CanvasWireError.self) { try CanvasWire.tools(deep, context: "account:1") }
            await client.close()
        }
    }

    @Test func neverFollowsALinkToAnotherHost() async throws {
        var scenario = CanvasScenario.sample(keys: 150)
        var quirks = CanvasScenario.Quirks()
        quirks.linkOrigin = "http://collector.example"
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            let client = client(double)
            await #expect(throws: CanvasError.foreignURL("collector.example")) { try await client.list(Self.keysPath, query: []) }
            #expect(await client.requestCount() == 1 + client.retryReasons().count, "the token went only to the Canvas host")
            await client.close()
        }
    }

    @Test func settingsRefuseInsecureAddressesAndUnreadableTokens() throws {
        #expect(throws: CanvasSettings.Problem.self) { try CanvasSettings.validatedURL("http://canvas.example.edu") }
        #expect(try CanvasSettings.validatedURL("http://127.0.0.1:9999").host == "127.0.0.1")
        #expect(try CanvasSettings.validatedURL("https://canvas.example.edu").scheme == "https")
        #expect(throws: CanvasSettings.Problem.self) { try CanvasSettings.validatedURL("https://user:pw@canvas.example.edu") }
        let path = NSTemporaryDirectory() + "token-\(UUID().uuidString)"
        try "  secret-token-value \n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CanvasSettings.readToken(path) == "secret-token-value")
        #expect(throws: CanvasSettings.Problem.self) { try CanvasSettings.readToken(path + ".missing") }
        do {
            _ = try CanvasSettings.from(environment: ["CANVAS_URL": "https://canvas.example.edu"])
            Issue.record("a URL without a token file was accepted")
        } catch let problem as CanvasSettings.Problem {
            #expect(problem.variable == "CANVAS_TOKEN_FILE")
        }
        #expect(try CanvasSettings.from(environment: [:]) == nil)
        let settings = try #require(try CanvasSettings.from(environment: ["CANVAS_URL": "https://canvas.example.edu", "CANVAS_TOKEN_FILE": path]))
        #expect(settings.accountID == "self" && settings.token == "secret-token-value")
        #expect(throws: CanvasSettings.Problem.self) {
            try CanvasSettings.from(environment: ["CANVAS_URL": "https://canvas.example.edu", "CANVAS_TOKEN_FILE": path, "CANVAS_ACCOUNT_ID": "1; DROP"])
        }
        // CANVAS_ENFORCE: off by default, on, or refused by name; on without a Canvas is left to `serve`.
        let base = ["CANVAS_URL": "https://canvas.example.edu", "CANVAS_TOKEN_FILE": path]
        #expect(try CanvasSettings.from(environment: base)?.enforce == false)
        #expect(try CanvasSettings.from(environment: base.merging(["CANVAS_ENFORCE": " On "]) { $1 })?.enforce == true)
        #expect(try CanvasSettings.from(environment: base.merging(["CANVAS_ENFORCE": "off"]) { $1 })?.enforce == false)
        do {
            _ = try CanvasSettings.from(environment: base.merging(["CANVAS_ENFORCE": "yes"]) { $1 })
            Issue.record("CANVAS_ENFORCE=yes was accepted")
        } catch let problem as CanvasSettings.Problem {
            #expect(problem.variable == "CANVAS_ENFORCE" && problem.why.contains("off") && !problem.why.contains("yes"))
        }
        #expect(try CanvasSettings.from(environment: ["CANVAS_ENFORCE": "on"]) == nil)
        #expect(try CanvasSettings.enforce(environment: ["CANVAS_ENFORCE": "on"]))
    }
}
