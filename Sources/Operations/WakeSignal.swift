import Foundation

/// Wakes a worker of this process (mail delivery, drift scans) as soon as there is work for it; other
/// instances find the work on their next poll. One worker waits on a signal at a time; a wake with
/// nobody waiting is kept for the next wait.
public final class WakeSignal: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var pending = false
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
    private var nextID: UInt64 = 0

    public init() {}

    public func wake() {
        let waiting: CheckedContinuation<Void, Never>? = lock.withLock {
            guard let waiter else {
                pending = true
                return nil
            }
            self.waiter = nil
            return waiter.continuation
        }
        waiting?.resume()
    }

    /// Returns when woken, after `seconds`, or when the waiting task is cancelled, whichever is first.
    func wait(seconds: Double) async {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now: Bool = lock.withLock {
                    if pending || Task.isCancelled {
                        pending = false
                        return true
                    }
                    waiter = (id, continuation)
                    return false
                }
                if now {
                    continuation.resume()
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(nanoseconds: UInt64(max(0.01, seconds) * 1_000_000_000))
                    self?.stopWaiting(id)
                }
            }
        } onCancel: {
            stopWaiting(id)
        }
    }

    /// Ends wait `id` if it is still the one waiting (a time-out or a cancellation).
    private func stopWaiting(_ id: UInt64) {
        let waiting: CheckedContinuation<Void, Never>? = lock.withLock {
            guard let waiter, waiter.id == id else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
        waiting?.resume()
    }
}
