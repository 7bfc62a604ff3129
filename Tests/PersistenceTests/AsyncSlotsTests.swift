import Foundation
import Persistence
import Testing

@Suite("Async slots")
struct AsyncSlotsTests {
    @Test func neverMoreHoldersThanSlotsAndAFailureGivesItsSlotBack() async throws {
        let slots = AsyncSlots(2)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<12 {
                group.addTask {
                    do {
                        try await slots.run {
                            gauge.enter()
                            try await Task.sleep(for: .milliseconds(2))
                            gauge.leave()
                            if i % 3 == 0 { throw TestFailure() }
                        }
                    } catch is TestFailure {}
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.highest == 2, "two at a time, and both slots were used")
        // Every slot came back, failures included: two more holders get in at once.
        await slots.enter()
        await slots.enter()
        await slots.leave()
        await slots.leave()
    }
}

final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var highest = 0

    func enter() { lock.withLock { current += 1; highest = max(highest, current) } }
    func leave() { lock.withLock { current -= 1 } }
}
