import Foundation

/// Ids split into batches small enough for one `IN (…)` on every engine (SQLite's bound-value limit
/// among them), so a page that shows many records runs a constant number of statements per batch.
enum Batched {
    static let size = 500

    static func chunks<T>(_ values: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: values.count, by: size).map { values[$0..<min($0 + size, values.count)] }
    }
}
