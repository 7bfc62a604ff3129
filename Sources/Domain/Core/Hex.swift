import Crypto
import Foundation

/// Lower-case hexadecimal written and compared byte by byte, without format strings.
public enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    public static func append(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }

    /// A UUID in its canonical lower-case spelling, `8-4-4-4-12`, as `Identifier.description` writes it.
    public static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
                append(byte, to: &out)
            }
        }
    }

    /// Whether `hex` is exactly the lower-case spelling of `digest`.
    public static func matches(_ digest: SHA256.Digest, hex: some Collection<UInt8>) -> Bool {
        if let fast = hex.withContiguousStorageIfAvailable({ matches(digest, contiguous: $0) }) { return fast }
        return Array(hex).withUnsafeBufferPointer { matches(digest, contiguous: $0) }
    }

    private static func matches(_ digest: SHA256.Digest, contiguous hex: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hex.count == SHA256.Digest.byteCount * 2 else { return false }
        return digest.withUnsafeBytes { bytes in
            for (offset, byte) in bytes.enumerated() {
                guard hex[2 * offset] == digits[Int(byte >> 4)], hex[2 * offset + 1] == digits[Int(byte & 0x0F)] else { return false }
            }
            return true
        }
    }
}

/// Integers written as decimal digits straight into a byte buffer.
public enum DecimalText {
    public static func append(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // The magnitude is unsigned, so Int64.min does not overflow.
        append(magnitude: value.magnitude, to: &out)
    }

    /// How many characters `append` writes for `value`.
    public static func width(_ value: Int64) -> Int {
        (value < 0 ? 1 : 0) + width(magnitude: value.magnitude)
    }

    private static func width(magnitude: UInt64) -> Int {
        var width = 1
        var scale: UInt64 = 10
        while width < 20, magnitude >= scale { width += 1; scale = scale &* 10 }
        return width
    }

    private static func append(magnitude: UInt64, to out: inout [UInt8]) {
        let width = width(magnitude: magnitude)
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var remaining = magnitude
        var index = start + width - 1
        while remaining > 0 {
            out[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            index -= 1
        }
    }
}
