/// How far a compressed file may inflate before it is refused: a bound on the inflated size, and on
/// how many times larger than its compressed bytes it grows (a decompression bomb inflates about a
/// thousand times; real request logs ten to twenty). The ratio is judged only once the output passes
/// `ratioFloor`, so a small, very repetitive file is not refused for it.
public struct InflateLimit: Sendable, Equatable {
    public var maxBytes: Int64
    public var maxRatio: Int
    public static let ratioFloor: Int64 = 16 << 20

    public init(maxBytes: Int64, maxRatio: Int) {
        self.maxBytes = maxBytes
        self.maxRatio = maxRatio
    }

    /// 2 GiB inflated, at most 100 times the compressed size.
    public static let standard = InflateLimit(maxBytes: 2 << 30, maxRatio: 100)

    /// Why `inflated` bytes out of `compressed` are refused, or nil while they are within the limit.
    public func refusal(compressed: Int64, inflated: Int64) -> String? {
        if inflated > maxBytes {
            return "inflates to more than \(maxBytes >> 20) MB (policy uploads.max_inflated_mb), so it was refused; split it or raise the limit"
        }
        if inflated > Self.ratioFloor, inflated > Int64(maxRatio) * max(compressed, 1) {
            return "inflates more than \(maxRatio) times its compressed size (policy uploads.max_ratio), as a decompression bomb does, so it was refused"
        }
        return nil
    }
}
