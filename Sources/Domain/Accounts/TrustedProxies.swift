import Foundation

/// The addresses of the reverse proxies in front of the app (`TRUSTED_PROXIES`: addresses or CIDR blocks,
/// IPv4 or IPv6, separated by commas). Only a request from one of them may say, in `X-Forwarded-For`, whom it
/// forwards, or, in trusted-header mode, who signed in.
public struct TrustedProxies: Equatable, Sendable {
    struct Block: Equatable, Sendable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefix
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != bytes[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let blocks: [Block]

    public static let none = TrustedProxies(blocks: [])

    public var isEmpty: Bool { blocks.isEmpty }

    public enum Problem: Error, Equatable { case notAnAddress(String) }

    public static func parse(_ text: String) throws -> TrustedProxies {
        var blocks: [Block] = []
        for raw in text.split(separator: ",") {
            let item = raw.trimmingCharacters(in: .whitespaces)
            if item.isEmpty { continue }
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let bytes = IPAddress.bytes(parts[0]) else { throw Problem.notAnAddress(item) }
            let width = bytes.count * 8
            let prefix = parts.count == 2 ? Int(parts[1]) : width
            guard let prefix, (0...width).contains(prefix) else { throw Problem.notAnAddress(item) }
            blocks.append(Block(bytes: bytes, prefix: prefix))
        }
        return TrustedProxies(blocks: blocks)
    }

    public func contains(_ address: String) -> Bool {
        guard let bytes = IPAddress.bytes(address) else { return false }
        return blocks.contains { $0.contains(bytes) }
    }

    /// The address a request came from: the peer itself unless the peer is a trusted proxy, and then the
    /// nearest address in `X-Forwarded-For` (read from the right) that is not itself a trusted proxy. Entries a
    /// client wrote at the left of the header are never reached while a proxy appended the real one.
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard IPAddress.bytes(hop) != nil else { return peer }
            if !contains(hop) { return hop }
        }
        return hops.first.flatMap { IPAddress.bytes($0) != nil ? $0 : nil } ?? peer
    }
}

/// Textual IPv4 and IPv6 addresses to bytes (IPv4-mapped IPv6 addresses count as their IPv4 address).
public enum IPAddress {
    public static func bytes(_ text: String) -> [UInt8]? {
        if let v4 = ipv4(text) { return v4 }
        guard var v6 = ipv6(text) else { return nil }
        if v6[0..<10].allSatisfy({ $0 == 0 }), v6[10] == 0xFF, v6[11] == 0xFF { v6 = Array(v6[12...]) }
        return v6
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, item) in items.enumerated() {
                if index == items.count - 1, item.contains("."), let v4 = ipv4(String(item)) { bytes += v4; continue }
                guard (1...4).contains(item.count), item.allSatisfy(\.isHexDigit), let value = UInt16(item, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
