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
