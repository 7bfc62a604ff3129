/// A counting semaphore for async code, first come first served: SQLite writers of one process take
/// turns with one slot; the tests limit how many PostgreSQL databases they build at once. Waiting
/// holds no thread and no database connection.
public actor AsyncSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(_ count: Int) {
        precondition(count > 0)
        free = count
    }

    public func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    public func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` holding a slot, and gives it back however `body` ends.
    public nonisolated func run<T>(_ body: () async throws -> T) async rethrows -> T {
        await enter()
        do {
            let result = try await body()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }
}
