import Foundation

/// Wakes a worker of this process (mail delivery, drift scans) as soon as there is work for it; other
/// instances find the work on their next poll.
public final class WakeSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func wake() { continuation.yield() }

    /// Returns when woken or after `seconds`, whichever is first.
    func wait(seconds: Double) async {
        let stream = stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(max(0.01, seconds) * 1_000_000_000)) }
            _ = await group.next()
            group.cancelAll()
        }
    }
}
