import Foundation

/// Fixed-window request counting per key, held in this process. With several app instances each
/// counts on its own, so the effective limit is the per-instance limit times the instance count.
public actor RateLimiter {
    public init() {}

    private var windows: [String: (start: Date, count: Int)] = [:]
    private var lastSweep = Date.distantPast

    /// True when the request may go ahead; false once `limit` requests were made within `window`.
    public func allow(_ key: String, limit: Int, window: TimeInterval, now: Date) -> Bool {
        if now.timeIntervalSince(lastSweep) > 600 {
            windows = windows.filter { now.timeIntervalSince($0.value.start) < 3_600 }
            lastSweep = now
        }
        if let current = windows[key], now.timeIntervalSince(current.start) < window {
            guard current.count < limit else { return false }
            windows[key] = (current.start, current.count + 1)
            return true
        }
        windows[key] = (now, 1)
        return true
    }

    /// True when `key` has used up its requests in the current window (does not count this call).
    public func exhausted(_ key: String, limit: Int, window: TimeInterval, now: Date) -> Bool {
        guard let current = windows[key], now.timeIntervalSince(current.start) < window else { return false }
        return current.count >= limit
    }
}
