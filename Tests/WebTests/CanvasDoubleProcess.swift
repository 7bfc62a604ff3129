import CanvasAPI
import CanvasDouble
import Foundation

/// The Canvas double as its own process (`vendor-review canvas-double`), on a free loopback port, with
/// a scenario written to a temporary file. Stopped (SIGTERM) when the test is done.
final class CanvasDoubleProcess: @unchecked Sendable {
    static let token = "test-admin-token-5f0c1e"
    let running: DoubleProcess
    let url: URL
    private let scenarioPath: String

    /// The built binary next to the test bundle (`swift build --build-tests` builds both).
    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [beside.appendingPathComponent("vendor-review").path, beside.deletingLastPathComponent().appendingPathComponent("vendor-review").path,
                          repositoryRoot + "/.build/debug/vendor-review"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return repositoryRoot + "/.build/debug/vendor-review"
    }

    init(_ scenario: CanvasScenario) throws {
        scenarioPath = NSTemporaryDirectory() + "canvas-scenario-\(UUID().uuidString).json"
        try scenario.write(to: scenarioPath)
        running = try DoubleProcess(binary: Self.binary, scenario: scenarioPath)
        url = running.url
    }


    /// Settings a test client uses: fast waits; the default time-outs, which a loaded CI machine needs
    /// (a test of time-outs sets its own).
    func settings(token: String = CanvasDoubleProcess.token, account: String = "self") -> CanvasSettings {
        var settings = CanvasSettings(baseURL: url, token: token, accountID: account)
        settings.delayScale = 0.001
        return settings
    }

    func stop() {
        running.stop()
        try? FileManager.default.removeItem(atPath: scenarioPath)
    }

    /// Runs `body` with a double serving `scenario`, and stops it afterwards whatever happens.
    static func with<T>(_ scenario: CanvasScenario, _ body: (CanvasDoubleProcess) async throws -> T) async throws -> T {
        let double = try CanvasDoubleProcess(scenario)
        do {
            let result = try await body(double)
            double.stop()
            return result
        } catch {
            double.stop()
            throw error
        }
    }
}

extension CanvasScenario {
    /// A small institution: keys of every kind, a sub-account tree with tools, registrations and tokens.
    static func sample(keys: Int = 3) -> CanvasScenario {
        var scenario = CanvasScenario(token: CanvasDoubleProcess.token, account: Account(id: "10000000000001", name: "Northfield"))
        scenario.subAccounts = [Account(id: "10000000000002", name: "Business", parentAccountId: "10000000000001"),
                                Account(id: "10000000000003", name: "MBA", parentAccountId: "10000000000002")]
        scenario.permissions = ["manage_developer_keys": true, "manage_lti_registrations": true, "lti_add_edit": true, "read_reports": true,
                                "view_user_generated_access_tokens": true]
        scenario.developerKeys = (0..<keys).map { index in
            var key = Key(id: String(170_000_000_000_100 + index), name: "Key \(index)")
            key.binding = "on"
            key.scopes = ["url:GET|/api/v1/courses"]
            key.redirectUris = ["https://a\(index).example/cb", "https://b\(index).example/cb"]
            key.lastUsedAt = "2026-11-30T06:00:00Z"
            return key
        }
        var inherited = Key(id: "170000000000777", name: "Global checker")
        inherited.binding = "on"
        inherited.scopes = ["url:GET|/api/v1/users/:user_id/profile"]
        scenario.inheritedKeys = [inherited]
        var registration = Registration(id: "500", name: "Reader")
        registration.privacyLevel = "email_only"
        registration.placements = ["course_navigation"]
        scenario.ltiRegistrations = [registration]
        var tool = Tool(id: "900", name: "FlashDeck")
        tool.domain = "flashdeck.example"
        tool.privacyLevel = "public"
        tool.placements = ["course_navigation"]
        scenario.externalTools = ["10000000000003": [tool]]
        var token = UserToken(id: "4001")
        token.createdAt = "2026-10-01T00:00:00Z"
        scenario.userTokens = ["88001": [token]]
        return scenario
    }
}
