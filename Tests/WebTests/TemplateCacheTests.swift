import Foundation
import Leaf
import LeafKit
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
        try await withWebApp { h in
            #expect((h.app.view as? LeafRenderer)?.cache.isEnabled == true)
        }
        try await withWebApp(configure: { $0.templateReload = true }) { h in
            #expect((h.app.view as? LeafRenderer)?.cache.isEnabled == false)
        }
    }

    @Test func theCacheStaysOnInVaporsDevelopmentEnvironment() async throws {
        // `serve` without `--env production` runs in development, where Leaf's own renderer turns its cache off.
        let app = try await Application.make(.development)
        #expect(app.leaf.renderer.cache.isEnabled == false, "what Leaf's own renderer does")
        #expect(TemplateRenderer.make(app, reload: false).cache.isEnabled)
        #expect(TemplateRenderer.make(app, reload: true).cache.isEnabled == false)
        try await app.asyncShutdown()
    }
}
