import Crypto
import Domain
import Foundation
import Testing

@Suite("Audit hash chain")
struct AuditChainTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000.123_456)

    func chain(_ count: Int) -> [AuditEvent] {
        var events: [AuditEvent] = []
        var previous = AuditChain.genesisHash
        for i in 1...count {
            let entry = AuditEntry(
                occurredAt: start.addingTimeInterval(Double(i)), actor: Actor(userID: nil, label: "ana (admin)"),
                entityType: "vendor", entityID: "v\(i)", action: "update", summary: "change \(i)")
            let event = AuditChain.seal(entry, sequence: Int64(i), previousHash: previous)
            events.append(event)
            previous = event.hash
        }
        return events
    }

    func replacing(_ event: AuditEvent, summary: String? = nil, previousHash: String? = nil) -> AuditEvent {
        AuditEvent(sequence: event.sequence, occurredAt: event.occurredAt, actorID: event.actorID, actorLabel: event.actorLabel,
                   entityType: event.entityType, entityID: event.entityID, action: event.action,
                   summary: summary ?? event.summary, previousHash: previousHash ?? event.previousHash, hash: event.hash)
    }

    @Test func anIntactChainVerifies() {
        var verifier = AuditChain.Verifier()
        #expect(verifier.check(chain(5)) == nil)
        #expect(verifier.checked == 5)
        #expect(verifier.nextSequence == 6)
        #expect(verifier.headHash == chain(5).last!.hash)
    }

    @Test func hashesAreStableAndLinked() {
        let events = chain(2)
        #expect(events[0].previousHash == AuditChain.genesisHash)
        #expect(events[1].previousHash == events[0].hash)
        #expect(chain(2) == events)
        #expect(events[0].hash.count == 64)
    }

    @Test func verifiesInBatches() {
        let events = chain(6)
        var verifier = AuditChain.Verifier()
        #expect(verifier.check(events[0..<3]) == nil)
        #expect(verifier.check(events[3..<6]) == nil)
        #expect(verifier.checked == 6)
    }

    @Test func detectsAChangedSummary() {
        var events = chain(4)
        events[2] = replacing(events[2], summary: "nothing to see")
        var verifier = AuditChain.Verifier()
        #expect(verifier.check(events) == .contentChanged(sequence: 3))
        #expect(verifier.checked == 2)
    }

    @Test func detectsARemovedEvent() {
        var events = chain(4)
        events.remove(at: 1)
        var verifier = AuditChain.Verifier()
        #expect(verifier.check(events) == .gap(expected: 2, found: 3))
    }

    @Test func detectsARelinkedEvent() {
        var events = chain(3)
        events[1] = replacing(events[1], previousHash: String(repeating: "f", count: 64))
        var verifier = AuditChain.Verifier()
        #expect(verifier.check(events) == .brokenLink(sequence: 2))
    }

    @Test func canonicalContentCannotBeShiftedBetweenFields() {
        let a = AuditChain.canonicalContent(sequence: 1, occurredAt: start, actorID: nil, actorLabel: "ab", entityType: "c",
                                            entityID: "", action: "", summary: "")
        let b = AuditChain.canonicalContent(sequence: 1, occurredAt: start, actorID: nil, actorLabel: "a", entityType: "bc",
                                            entityID: "", action: "", summary: "")
        #expect(a != b)
    }

    /// Hashes fixed outside Swift (Python's hashlib over the documented canonical text), so a faster
    /// implementation cannot change what every stored chain already says.
    @Test func theHashOfAKnownEventIsFixed() throws {
        let actor = try #require(User.ID(string: "3F2504E0-4F89-11D3-9A0C-0305E82C3301"))
        let at = Date(timeIntervalSince1970: 1_800_000_000.123)
        for (id, expected) in [(Optional(actor), "d50eb9841505131e613d283061c2d1a2751e131ce7c2726e6dca440527165e46"),
                               (nil, "a67ab14778b9f6dd65026474d068fbe822b1ec83f25393fc1165fcde900d840f")] {
            let entry = AuditEntry(occurredAt: at, actor: Actor(userID: id, label: "Ana Díaz (admin)"), entityType: "vendor",
                                   entityID: "v-7", action: "update", summary: "Renamed “Acme” to Acme | Co\n2:x")
            let event = AuditChain.seal(entry, sequence: 42, previousHash: AuditChain.genesisHash)
            #expect(event.hash == expected)
            let content = AuditChain.canonicalContent(sequence: 42, occurredAt: at, actorID: id, actorLabel: entry.actor.label, entityType: "vendor",
                                                      entityID: "v-7", action: "update", summary: entry.summary)
            #expect(AuditChain.hash(previousHash: AuditChain.genesisHash, content: content) == expected)
            #expect(content.hasPrefix("2:42|13:1800000000123|" + (id == nil ? "0:|" : "36:3f2504e0-4f89-11d3-9a0c-0305e82c3301|")))
            var verifier = AuditChain.Verifier(startingAt: 42)
            #expect(verifier.check([event]) == nil)
        }
    }

    @Test(arguments: [Int64.min, -1_000, -1, 0, 7, 9, 10, 99, 100, 1_800_000_000_123, 999_999_999_999_999_999, Int64.max])
    func numbersAreWrittenAsSwiftPrintsThem(_ value: Int64) {
        var out: [UInt8] = [0x21]
        DecimalText.append(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "!" + String(value))
        #expect(DecimalText.width(value) == String(value).count)
    }

    @Test func digestsAndIdentifiersAreSpelledInLowerCaseHex() {
        for _ in 0..<20 {
            let id = UUID()
            var out: [UInt8] = []
            Hex.appendUUID(id, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == id.uuidString.lowercased())
        }
        let digest = SHA256.hash(data: Array("chain".utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        #expect(Hex.matches(digest, hex: hex.utf8))
        #expect(Hex.matches(digest, hex: Array(hex.utf8)))
        #expect(!Hex.matches(digest, hex: hex.uppercased().utf8), "the chain is spelled in lower case")
        #expect(!Hex.matches(digest, hex: hex.dropLast().utf8))
        #expect(!Hex.matches(digest, hex: (String(hex.dropLast()) + (hex.last == "0" ? "1" : "0")).utf8), "one digit off")
        #expect(!Hex.matches(digest, hex: (hex + "0").utf8))
    }

    @Test func timestampsSurviveSubMillisecondNoise() {
        let event = chain(1)[0]
        let noisy = AuditEvent(sequence: 1, occurredAt: event.occurredAt.addingTimeInterval(0.000_000_4), actorID: nil,
                               actorLabel: event.actorLabel, entityType: event.entityType, entityID: event.entityID,
                               action: event.action, summary: event.summary, previousHash: event.previousHash, hash: event.hash)
        var verifier = AuditChain.Verifier()
        #expect(verifier.check([noisy]) == nil)
    }

    @Test func problemsReadWell() {
        #expect(AuditChain.Problem.contentChanged(sequence: 7).description.contains("event 7"))
        #expect(AuditChain.Problem.truncated(lastFound: 3, headSays: 5).description.contains("removed"))
    }
}
