import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 6 digits, 30-second steps,
/// the form every authenticator app reads from an `otpauth://` address.
public enum TOTP {
    public static let digits = 6
    public static let period: Int64 = 30
    /// Secrets are 20 random bytes (160 bits, RFC 4226's recommended length).
    public static let secretLength = 20

    public static func step(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down)) }

    /// The code for time step `step`, `digits` long with leading zeros.
    public static func code(secret: [UInt8], step: Int64, digits: Int = digits) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The time step `code` belongs to, looking one step either side of now for clocks that drift, and only at
    /// steps after `lastUsed`: a code once accepted (or any earlier one) is refused.
    public static func matchingStep(_ typedCode: String, secret: [UInt8], at now: Date, after lastUsed: Int64) -> Int64? {
        let typed = typedCode.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy(\.isASCIIDigit) else { return nil }
        let current = step(at: now)
        for candidate in (current - 1)...(current + 1) where candidate > lastUsed {
            if constantTimeEqual(Self.code(secret: secret, step: candidate), typed) { return candidate }
        }
        return nil
    }

    public static func generateSecret<G: RandomNumberGenerator>(using generator: inout G) -> [UInt8] {
        (0..<secretLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The address an authenticator app reads from the QR code (Google's Key Uri Format).
    public static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
        func escape(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~@"))) ?? ""
        }
        return "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(Base32.encode(secret))&issuer=\(escape(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// RFC 4648 base32 without padding, as authenticator apps take a typed secret.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// nil for anything but base32 letters (spaces, dashes and lower case are accepted, as people type them).
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for scalar in text.uppercased().utf8 where scalar != UInt8(ascii: " ") && scalar != UInt8(ascii: "-") && scalar != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: scalar) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
