import Foundation
import Testing
@testable import Domain

@Suite("Mail rendering")
struct MailTests {
    let message = MailMessage(from: "VendorReview <review@northfield.edu>", to: ["Vera <vera@vendor.example>"],
                              subject: "Fragen zu “Sync”\r\nBcc: evil@example.com", body: "Hello Vera,\n.hidden line\nCafé ✓ " + String(repeating: "x", count: 100))

    @Test func headersCannotBeInjectedAndUnicodeIsEncoded() {
        let text = message.rendered(messageID: "abc@northfield.edu", date: Date(timeIntervalSince1970: 0))
        let headers = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!headers.contains { $0.hasPrefix("Bcc:") }, "a line break in the subject does not start a header")
        let subject = try! #require(headers.first { $0.hasPrefix("Subject: ") })
        #expect(subject.hasPrefix("Subject: =?UTF-8?B?"))
        let encoded = subject.dropFirst("Subject: =?UTF-8?B?".count).dropLast(2)
        #expect(String(decoding: Data(base64Encoded: String(encoded))!, as: UTF8.self) == "Fragen zu “Sync”  Bcc: evil@example.com")
        #expect(headers.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(headers.contains("Message-ID: <abc@northfield.edu>"))
    }

    @Test func bodiesAreQuotedPrintableWithShortLinesAndNoLeadingDots() {
        let body = MailMessage.quotedPrintable("Hello Vera,\n.hidden line\nCafé ✓ " + String(repeating: "x", count: 100) + " \nend=")
        let lines = body.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(!lines.contains { $0.hasPrefix(".") })
        #expect(lines.contains("=2Ehidden line"))
        #expect(body.contains("Caf=C3=A9 =E2=9C=93 "))
        #expect(lines.contains { $0.hasSuffix("=20") }, "trailing space before a line end is encoded")
        #expect(lines.last == "end=3D")
        #expect(Self.decodeQP(body) == "Hello Vera,\r\n.hidden line\r\nCafé ✓ " + String(repeating: "x", count: 100) + " \r\nend=")
    }

    @Test func addressesAreTakenFromMailboxes() {
        #expect(MailMessage.address("VendorReview <review@northfield.edu>") == "review@northfield.edu")
        #expect(MailMessage.address(" plain@northfield.edu ") == "plain@northfield.edu")
    }

    static func decodeQP(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var i = 0
        while i < source.count {
            if source[i] == UInt8(ascii: "="), i + 2 < source.count, let value = UInt8(String(decoding: source[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value); i += 3
            } else {
                bytes.append(source[i]); i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
