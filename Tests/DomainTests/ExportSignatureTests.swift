import Domain
import Foundation
import Testing

@Suite("Signed exports and the byte-level audit line reader")
struct ExportSignatureTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000.123)

    /// A short chain with text that needs escaping: quotes, backslashes, control characters, non-ASCII.
    static func chain(_ summaries: [String] = ["plain", "a \"quoted\" \\ path/with/slashes", "tab\there\nnewline \u{01} bell", "café — 東京 🎓", ""]) -> [AuditEvent] {
        var previous = AuditChain.genesisHash
        return summaries.enumerated().map { index, summary in
            let actor = index % 2 == 0 ? Actor(userID: .init(UUID()), label: "Ana <ana@northfield.example>") : Actor(userID: nil, label: "command line")
            let event = AuditChain.seal(AuditEntry(occurredAt: t0.addingTimeInterval(Double(index)), actor: actor, entityType: "vendor",
                                                   entityID: "v-\(index)", action: "update", summary: summary),
                                        sequence: Int64(index + 1), previousHash: previous)
            previous = event.hash
            return event
        }
    }

    static func check(_ verifier: inout AuditLineCodec.Verifier, _ line: [UInt8]) -> AuditLineCodec.Verifier.Problem? {
        line.withUnsafeBytes { verifier.check($0) }
    }

    @Test func linesWrittenByEitherWriterAreReadByEitherReader() throws {
        let events = Self.chain()
        var verifier = AuditLineCodec.Verifier()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for event in events {
            var ours: [UInt8] = []
            AuditLineCodec.append(event, to: &ours)
            #expect(ours.last == 0x0A)
            let line = Array(ours.dropLast())
            // Our bytes decode with JSONDecoder to the same event…
            #expect(try JSONDecoder().decode(AuditLine.self, from: Data(line)) == AuditLine(event))
            // …and JSONEncoder's bytes (escaping slashes or not) are read by ours.
            let theirs = Array(try encoder.encode(AuditLine(event)))
            var copy = verifier
            #expect(Self.check(&copy, theirs) == nil)
            var escaped = verifier
            #expect(Self.check(&escaped, Array(try JSONEncoder().encode(AuditLine(event)))) == nil)
            #expect(Self.check(&verifier, line) == nil)
        }
        #expect(verifier.checked == 5 && verifier.head == events.last!.hash)
    }

    @Test func everyChangeToALineIsNamed() {
        let events = Self.chain()
        func lines() -> [[UInt8]] { events.map { var out: [UInt8] = []; AuditLineCodec.append($0, to: &out); return Array(out.dropLast()) } }
        func first(_ lines: [[UInt8]], mustPass: [Int64: String] = [:]) -> AuditLineCodec.Verifier.Problem? {
            var verifier = AuditLineCodec.Verifier(mustPassThrough: mustPass)
            for line in lines { if let problem = Self.check(&verifier, line) { return problem } }
            return nil
        }
        #expect(first(lines()) == nil)
        var changed = lines()
        changed[2] = Array(String(decoding: changed[2], as: UTF8.self).replacingOccurrences(of: "bell", with: "ball").utf8)
        #expect(first(changed) == .chain(.contentChanged(sequence: 3)))
        var skipped = lines()
        skipped.remove(at: 1)
        #expect(first(skipped) == .chain(.gap(expected: 2, found: 3)))
        #expect(first(lines(), mustPass: [3: events[3].hash]) == .missesCheckpoint(sequence: 3))
        #expect(first(lines(), mustPass: [3: events[2].hash]) == nil)
        // An actor id written in capitals is the same id, hashed in its canonical spelling.
        var upper = lines()
        upper[0] = Array(String(decoding: upper[0], as: UTF8.self).replacingOccurrences(of: events[0].actorID!.description, with: events[0].actorID!.description.uppercased()).utf8)
        #expect(first(upper) == nil)
    }

    @Test(arguments: [
        "", "{}", "[]", "{\"sequence\":1}", "not json",
        // A duplicate key, an unknown key, something after the object, a raw newline in a string, a bad escape, a lone surrogate.
        #"{"actorLabel":"a","actorLabel":"b","action":"x","entityID":"1","entityType":"v","hash":"h","occurredAtMillis":1,"previousHash":"p","sequence":1,"summary":"s"}"#,
        #"{"actorLabel":"a","action":"x","entityID":"1","entityType":"v","hash":"h","occurredAtMillis":1,"previousHash":"p","sequence":1,"summary":"s","extra":1}"#,
        #"{"actorLabel":"a","action":"x","entityID":"1","entityType":"v","hash":"h","occurredAtMillis":1,"previousHash":"p","sequence":1,"summary":"s"} x"#,
        "{\"actorLabel\":\"a\n\",\"action\":\"x\",\"entityID\":\"1\",\"entityType\":\"v\",\"hash\":\"h\",\"occurredAtMillis\":1,\"previousHash\":\"p\",\"sequence\":1,\"summary\":\"s\"}",
        #"{"actorLabel":"\q","action":"x","entityID":"1","entityType":"v","hash":"h","occurredAtMillis":1,"previousHash":"p","sequence":1,"summary":"s"}"#,
        #"{"actorLabel":"\udc00","action":"x","entityID":"1","entityType":"v","hash":"h","occurredAtMillis":1,"previousHash":"p","sequence":1,"summary":"s"}"#,
        #"{"actorLabel":"a","action":"x","entityID":"1","entityType":"v","hash":"h","occurredAtMillis":99999999999999999999,"previousHash":"p","sequence":1,"summary":"s"}"#,
    ])
    func linesThatAreNotEventsAreRefused(_ line: String) {
        var verifier = AuditLineCodec.Verifier()
        #expect(Self.check(&verifier, Array(line.utf8)) == .notAnEvent)
    }

    @Test func aSignatureBindsTheManifestToTheKey() throws {
        let (key, text) = InstitutionKey.generate()
        let again = try InstitutionKey(fileText: text)
        #expect(again.publicKeyText == key.publicKeyText, "the file's text gives the same key")
        let hex = try InstitutionKey(fileText: "# comment\n\n" + String(repeating: "ab", count: 32) + "\n")
        #expect(hex.publicKeyText != key.publicKeyText)
        #expect(throws: InstitutionKey.Problem.tooShort(bytes: 16)) { try InstitutionKey(fileText: String(repeating: "ab", count: 16)) }
        #expect(throws: InstitutionKey.Problem.notAKey) { try InstitutionKey(fileText: "# only a comment\n") }
        #expect(throws: InstitutionKey.Problem.notAKey) { try InstitutionKey(fileText: "not base64 at all!") }
        #expect(key.derivedKey(purpose: "a") != key.derivedKey(purpose: "b"), "each purpose has its own key")

        let manifest = Data(#"{"auditEvents":10}"#.utf8)
        let signature = try ExportSignature.sign(manifest, with: key)
        #expect(signature.check(manifest, expected: nil) == nil)
        #expect(signature.check(manifest, expected: key.publicKeyText) == nil)
        #expect(signature.check(Data(#"{"auditEvents":9}"#.utf8), expected: key.publicKeyText) == .badSignature)
        let other = InstitutionKey.generate().key
        #expect(signature.check(manifest, expected: other.publicKeyText) == .wrongKey(signedBy: key.publicKeyText, expected: other.publicKeyText))
        let bare = String(key.publicKeyText.dropFirst("ed25519:".count))
        #expect(ExportSignature.canonicalPublicKey(bare) == key.publicKeyText, "the prefix may be left off")
        #expect(ExportSignature.canonicalPublicKey("ed25519:" + String(repeating: "A", count: 200)) == nil)
        #expect(ExportSignature.canonicalPublicKey("ed25519:AAAA") == nil)
    }
}
