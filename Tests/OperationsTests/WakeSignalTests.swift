import Foundation
@testable import Operations
import Testing

@Suite("Waking a worker")
struct WakeSignalTests {
    /// Seconds `body` took.
    func seconds(_ body: () async -> Void) async -> Double {
        let start = ContinuousClock.now
        await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func aWaitThatTimedOutLeavesTheNextWaitWaiting() async {
        // The worker's loop: wait, time out, wait again. Each wait must last (a worker that stops
        // waiting polls the database in a tight loop).
        let signal = WakeSignal()
        for _ in 0..<3 {
            let waited = await seconds { await signal.wait(seconds: 0.2) }
            #expect(waited >= 0.15, "a wait with nothing to wake it returned after \(waited) s")
        }
    }

    @Test func aWakeEndsTheWaitAtOnceAndOneWithNobodyWaitingIsKept() async {
        let signal = WakeSignal()
        // Woken while waiting.
        let waiter = Task { await seconds { await signal.wait(seconds: 30) } }
        try? await Task.sleep(nanoseconds: 100_000_000)
        signal.wake()
        #expect(await waiter.value < 10)
        // Woken before the wait: the wake is not lost, and it is used once.
        signal.wake()
        signal.wake()
        #expect(await seconds { await signal.wait(seconds: 30) } < 10)
        #expect(await seconds { await signal.wait(seconds: 0.2) } >= 0.15, "two wakes before a wait count once")
    }

    @Test func cancellingTheWaitingTaskEndsItsWait() async {
        let signal = WakeSignal()
        let waiter = Task { await seconds { await signal.wait(seconds: 30) } }
        try? await Task.sleep(nanoseconds: 100_000_000)
        waiter.cancel()
        #expect(await waiter.value < 10)
    }
}
