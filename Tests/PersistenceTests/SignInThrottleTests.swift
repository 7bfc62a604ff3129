import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

@Suite("Sign-in throttle on every engine")
struct SignInThrottleTests {
    @Test(arguments: TestEngine.available)
    func failuresCountWithinTheWindowAndStartAgainAfterIt(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let throttle = db.store.signInThrottle
            let window: TimeInterval = 15 * 60
            #expect(try await throttle.failures("address:198.51.100.7", window: window, at: t0) == 0)
            for second in 0..<3 { try await throttle.recordFailure("address:198.51.100.7", window: window, at: t0.addingTimeInterval(Double(second))) }
            try await throttle.recordFailure("address:203.0.113.1", window: window, at: t0)
            #expect(try await throttle.failures("address:198.51.100.7", window: window, at: t0.addingTimeInterval(10)) == 3)
            #expect(try await throttle.failures("address:203.0.113.1", window: window, at: t0.addingTimeInterval(10)) == 1)
            // The window is counted from its first failure; once it has passed, nothing counts.
            #expect(try await throttle.failures("address:198.51.100.7", window: window, at: t0.addingTimeInterval(window + 1)) == 0)
            // A failure after the window starts a new one at 1.
            try await throttle.recordFailure("address:198.51.100.7", window: window, at: t0.addingTimeInterval(window + 5))
            #expect(try await throttle.failures("address:198.51.100.7", window: window, at: t0.addingTimeInterval(window + 6)) == 1)
            // Old windows are removed, current ones kept.
            #expect(try await throttle.deleteExpired(before: t0.addingTimeInterval(60)) == 1)
            #expect(try await throttle.failures("address:198.51.100.7", window: window, at: t0.addingTimeInterval(window + 6)) == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func concurrentFailuresAreAllCounted(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let throttle = db.store.signInThrottle
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 { group.addTask { try await throttle.recordFailure("address:192.0.2.1", window: 900, at: t0) } }
                try await group.waitForAll()
            }
            #expect(try await throttle.failures("address:192.0.2.1", window: 900, at: t0) == 20)
        }
    }
}
