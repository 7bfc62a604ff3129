import Testing
@testable import Web

@Suite("Links to pages")
struct PagePathTests {
    @Test func parametersAreFilledInOrderAndEncoded() {
        #expect(PagePath.home.path() == "/")
        #expect(PagePath.vendors.path() == "/vendors")
        #expect(PagePath.vendor.path("5b7c") == "/vendors/5b7c")
        #expect(PagePath.answers.path("i-1", "ferpa_v2.1") == "/integrations/i-1/questionnaires/ferpa_v2.1")
        // Everything but letters, digits, - _ . is percent-encoded byte by byte, so a value never adds a segment or a query.
        #expect(PagePath.segment("a/b?c#d e%") == "a%2Fb%3Fc%23d%20e%25")
        #expect(PagePath.segment("é") == "%C3%A9")
        #expect(PagePath.segment("") == "")
    }
}
