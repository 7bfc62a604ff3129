import Foundation
import Leaf
import Testing
import Vapor
@testable import Web

@Suite("Template cache")
struct TemplateCacheTests {
    @Test func templatesAreParsedOnceUnlessReloadingIsAskedFor() async throws {
        #expect(try AppConfig.fromEnvironment([:], workingDirectory: "/tmp").templateReload == false)
        #expect(try AppConfig.fromEnvironment(["TEMPLATE_RELOAD": "on"], workingDirectory: "/tmp").templateReload)
        let error = #expect(throws: ConfigurationError.self) { try AppConfig.fromEnvironment(["TEMPLATE_RELOAD": "sometimes"], workingDirectory: "/tmp") }
        #expect(error?.description.contains("TEMPLATE_RELOAD") == true)
        // The test app runs in Vapor's testing environment, not production: the cache is on all the same.
        try await withWebApp { h in
            #expect(!h.app.environment.isRelease)
            #expect(h.app.leaf.cache.isEnabled)
        }
        try await withWebApp(configure: { $0.templateReload = true }) { h in
            #expect(!h.app.leaf.cache.isEnabled)
        }
    }
}
