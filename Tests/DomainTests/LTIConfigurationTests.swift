import Foundation
import Testing
@testable import Domain

/// Written from the Canvas LTI 1.3 JSON configuration documentation: a reading tool in course
/// navigation and the assignment selection, with grade passback and roster access.
let lti13Reader = """
{
  "title": "Quillstone Reader",
  "description": "Adaptive reading practice",
  "oidc_initiation_url": "https://lti.quillstone.example/lti/login",
  "target_link_uri": "https://lti.quillstone.example/lti/launch",
  "scopes": [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
  ],
  "extensions": [{
    "domain": "lti.quillstone.example",
    "tool_id": "quillstone-reader",
    "platform": "canvas.instructure.com",
    "privacy_level": "name_only",
    "settings": {
      "text": "Quillstone Reader",
      "placements": [
        {"placement": "course_navigation", "message_type": "LtiResourceLinkRequest", "target_link_uri": "https://lti.quillstone.example/lti/launch"},
        {"placement": "assignment_selection", "message_type": "LtiDeepLinkingRequest", "target_link_uri": "https://deeplink.quillstone.example/select"}
      ]
    }
  }],
  "public_jwk_url": "https://lti.quillstone.example/.well-known/jwks.json",
  "custom_fields": {"canvas_user_id": "$Canvas.user.id"}
}
"""

/// Written from the IMS Common Cartridge basic LTI link schema and Canvas's XML extension properties.
let lti11Proctoring = """
<?xml version="1.0" encoding="UTF-8"?>
<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p0"
    xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
    xmlns:lticm="http://www.imsglobal.org/xsd/imslticm_v1p0"
    xmlns:lticp="http://www.imsglobal.org/xsd/imslticp_v1p0">
  <blti:title>Brightpath Proctoring</blti:title>
  <blti:description>Remote proctoring</blti:description>
  <blti:launch_url>https://canvas.brightpath.example/lti/launch</blti:launch_url>
  <blti:extensions platform="canvas.instructure.com">
    <lticm:property name="tool_id">brightpath</lticm:property>
    <lticm:property name="privacy_level">public</lticm:property>
    <lticm:property name="domain">brightpath.example</lticm:property>
    <lticm:options name="course_navigation">
      <lticm:property name="url">https://canvas.brightpath.example/lti/course</lticm:property>
      <lticm:property name="enabled">true</lticm:property>
    </lticm:options>
    <lticm:options name="account_navigation">
      <lticm:property name="url">https://admin.brightpath.example/lti/account</lticm:property>
    </lticm:options>
  </blti:extensions>
  <cartridge_bundle identifierref="BLTI001_Bundle"/>
</cartridge_basiclti_link>
"""

@Suite("LTI configuration import")
struct LTIConfigurationTests {
    @Test func lti13JSONYieldsPrivacyPlacementsScopesAndDomains() throws {
        let config = try LTIConfigurationParser.parse(Array(lti13Reader.utf8))
        #expect(config.ltiVersion == "1.3" && config.title == "Quillstone Reader" && config.privacyLevel == .nameOnly)
        #expect(config.placements == ["assignment_selection", "course_navigation"])
        #expect(config.scopes.count == 3 && config.scopes.contains("https://purl.imsglobal.org/spec/lti-ags/scope/score"))
        #expect(config.domains == ["deeplink.quillstone.example", "lti.quillstone.example"])
        #expect(config.privacyLevel.sendsPersonalData)
        #expect(LTIConfiguration.describe(scope: config.scopes[0]).hasPrefix("Assignment and Grade Services"))
    }

    @Test func lti11XMLYieldsTheCanvasExtension() throws {
        let config = try LTIConfigurationParser.parse(Array(lti11Proctoring.utf8))
        #expect(config.ltiVersion == "1.1" && config.title == "Brightpath Proctoring" && config.privacyLevel == .public)
        #expect(config.placements == ["account_navigation", "course_navigation"])
        #expect(config.targetLinkURI == "https://canvas.brightpath.example/lti/launch")
        #expect(config.domains == ["admin.brightpath.example", "brightpath.example", "canvas.brightpath.example"])
    }

    @Test(arguments: [
        ("billion laughs", """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
        <cartridge_basiclti_link><blti:title xmlns:blti="x">&lol2;</blti:title></cartridge_basiclti_link>
        """),
        ("external entity", """
        <?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><cartridge_basiclti_link>&xxe;</cartridge_basiclti_link>
        """),
        ("remote DTD", "<?xml version=\"1.0\"?><!doctype cartridge_basiclti_link SYSTEM \"http://attacker.example/x.dtd\"><cartridge_basiclti_link/>"),
        ("too deep", "<cartridge_basiclti_link>" + String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40) + "</cartridge_basiclti_link>"),
        ("not LTI", "<html><title>x</title></html>"),
        ("broken", "<cartridge_basiclti_link><blti:title xmlns:blti=\"x\">T</cartridge_basiclti_link>"),
        ("no title", "<cartridge_basiclti_link xmlns:blti=\"http://www.imsglobal.org/xsd/imsbasiclti_v1p0\"></cartridge_basiclti_link>"),
        ("bad privacy", "{\"title\":\"T\",\"target_link_uri\":\"https://t.example\",\"extensions\":[{\"platform\":\"canvas.instructure.com\",\"privacy_level\":\"everything\"}]}"),
        ("not a config", "title: yaml"),
        // Found by fuzzing: a data-less processing instruction crashed the process inside XMLParser.
        ("empty processing instruction", "<?xml version=\"1.0\"?><?pi?><cartridge_basiclti_link/>"),
        ("processing instruction inside", "<cartridge_basiclti_link><?pi?><blti:title xmlns:blti=\"x\">T</blti:title></cartridge_basiclti_link>"),
        ("malformed declaration", "<?x}l tersion=\"1.0\"?><cartridge_basiclti_link/>"),
        ("instruction hidden in an unclosed declaration", "<?xml >   <?mi?><cartridge_basiclti_link/>"),
    ])
    func hostileOrWrongFilesAreRefusedWithAReason(name: String, text: String) {
        #expect(throws: LTIConfigurationError.self, "\(name)") { _ = try LTIConfigurationParser.parse(Array(text.utf8)) }
    }

    /// Crash inputs the fuzzer found are kept as seeds under Fuzz/corpus/lti/regression-*: each is refused, not a crash.
    @Test func fuzzerRegressionSeedsAreRefused() throws {
        var corpus = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { corpus.deleteLastPathComponent() }
        corpus.appendPathComponent("Fuzz/corpus/lti")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasPrefix("regression-") }
        #expect(!seeds.isEmpty)
        for seed in seeds {
            let bytes = try [UInt8](Data(contentsOf: corpus.appendingPathComponent(seed)))
            #expect(throws: LTIConfigurationError.self, "\(seed)") { _ = try LTIConfigurationParser.parse(bytes) }
        }
    }

    @Test func utf16AndOversizedDocumentsAreRefused() {
        let utf16 = Array("<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE x [<!ENTITY a \"b\">]><cartridge_basiclti_link/>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(throws: LTIConfigurationError.self) { _ = try LTIConfigurationParser.parse([0x3C, 0x00] + utf16) }
        #expect(throws: LTIConfigurationError("The file is larger than 1 MB; a tool configuration is a few kilobytes.")) {
            _ = try LTIConfigurationParser.parse(Array(repeating: UInt8(ascii: " "), count: LTIConfigurationParser.maxBytes + 1))
        }
    }

    @Test func wideningNamesWhatGrew() throws {
        let before = try LTIConfigurationParser.parse(Array(lti13Reader.utf8))
        let wider = LTIConfiguration(ltiVersion: "1.3", title: before.title, targetLinkURI: before.targetLinkURI, oidcInitiationURL: before.oidcInitiationURL,
                                     privacyLevel: .public, placements: before.placements + ["global_navigation"],
                                     scopes: before.scopes + ["https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"], domains: before.domains)
        #expect(wider.widening(from: before) == ["privacy level name_only → public", "new placements: global_navigation",
                                                  "new scopes: https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"])
        #expect(before.widening(from: wider).isEmpty, "narrowing is not widening")
    }
}
