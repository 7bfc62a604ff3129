import Crypto
import Foundation

/// The institution's secret (`SECRET_KEY_FILE`): 32 random bytes, written in the file as base64 or hex.
/// Keys for each purpose are derived from it with HKDF, so one file serves every use and no derived
/// key can be turned back into another.
public struct InstitutionKey: Sendable {
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case notAKey
        case tooShort(bytes: Int)

        public var description: String {
            switch self {
            case .notAKey: "the file does not hold a key (expected one line of base64 or hex for 32 random bytes)"
            case let .tooShort(bytes): "the key has \(bytes) bytes; it needs at least 32"
            }
        }
    }

    private let secret: SymmetricKey
    /// Signs export manifests.
    public let signing: Curve25519.Signing.PrivateKey

    public init(secret bytes: some DataProtocol) throws {
        guard bytes.count >= 32 else { throw Problem.tooShort(bytes: bytes.count) }
        secret = SymmetricKey(data: Data(bytes))
        signing = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.derive(secret, purpose: "export-signing/1"))
    }

    /// Reads the file's text: one line of base64 or hex; blank lines and `#` comments are ignored.
    public init(fileText: String) throws {
        let lines = fileText.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let line = lines.first(where: { !$0.isEmpty && !$0.hasPrefix("#") }) else { throw Problem.notAKey }
        if line.count % 2 == 0, line.allSatisfy(\.isHexDigit), let bytes = Self.hexBytes(line) {
            try self.init(secret: bytes)
        } else if let bytes = Data(base64Encoded: line) {
            try self.init(secret: bytes)
        } else {
            throw Problem.notAKey
        }
    }

    /// A new random secret and the text to store it as.
    public static func generate() -> (key: InstitutionKey, fileText: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // A fresh 32-byte secret always makes a key.
        let key = try! InstitutionKey(secret: bytes)
        return (key, "# VendorReview institution key: keep it secret and backed up; exports are signed with it.\n" + bytes.base64EncodedString() + "\n")
    }

    /// A key for another purpose (for example encrypting stored secrets), independent of the signing key.
    public func derivedKey(purpose: String) -> SymmetricKey { SymmetricKey(data: Self.derive(secret, purpose: purpose)) }

    /// The public half of the signing key as people copy it: `ed25519:` and base64.
    public var publicKeyText: String { ExportSignature.text(of: signing.publicKey) }

    private static func derive(_ secret: SymmetricKey, purpose: String) -> Data {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, salt: Data("vendor-review".utf8), info: Data(purpose.utf8), outputByteCount: 32)
            .withUnsafeBytes { Data($0) }
    }

    private static func hexBytes(_ text: String) -> Data? {
        var data = Data(capacity: text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}

/// `manifest.sig`: an Ed25519 signature over the exact bytes of `manifest.json`, which records every
/// file's SHA-256, the audit chain's event count and head hash, and the heads recorded before. Editing a
/// file, re-hashing the chain or dropping its last events changes the manifest, so the signature fails;
/// signing it again needs the institution's key, which `--public-key` pins.
public struct ExportSignature: Codable, Equatable, Sendable {
    public static let formatName = "vendor-review-signature/1"
    public static let fileName = "manifest.sig"
    public static let algorithmName = "Ed25519"

    public let format: String
    public let algorithm: String
    /// `ed25519:` and the base64 of the 32-byte public key.
    public let publicKey: String
    /// Base64 of the 64-byte signature.
    public let signature: String

    public static func sign(_ manifest: Data, with key: InstitutionKey) throws -> ExportSignature {
        let signature = try key.signing.signature(for: manifest)
        return ExportSignature(format: formatName, algorithm: algorithmName, publicKey: key.publicKeyText, signature: signature.base64EncodedString())
    }

    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case unreadable
        case unknownFormat(String)
        case wrongKey(signedBy: String, expected: String)
        case badSignature

        public var description: String {
            switch self {
            case .unreadable: "\(ExportSignature.fileName) is unreadable"
            case let .unknownFormat(format): "\(ExportSignature.fileName): unknown format or algorithm \(format)"
            case let .wrongKey(signedBy, expected):
                "the export is signed by \(signedBy), not by the institution's key \(expected) (it was signed again by someone else)"
            case .badSignature: "the signature does not match manifest.json (the manifest was changed after it was signed)"
            }
        }
    }

    /// Checks the signature over `manifest`; with `expected` (a public key's text), also that it was made by that key.
    public func check(_ manifest: Data, expected: String?) -> Problem? {
        guard format == Self.formatName, algorithm == Self.algorithmName else { return .unknownFormat("\(format) \(algorithm)") }
        guard let key = Self.publicKey(from: publicKey), let bytes = Data(base64Encoded: signature) else { return .unreadable }
        if let expected {
            guard let pinned = Self.publicKey(from: expected) else { return .unreadable }
            if pinned.rawRepresentation != key.rawRepresentation { return .wrongKey(signedBy: Self.text(of: key), expected: Self.text(of: pinned)) }
        }
        return key.isValidSignature(bytes, for: manifest) ? nil : .badSignature
    }

    /// The canonical text of a public key written in any accepted way; nil when it is not one.
    public static func canonicalPublicKey(_ raw: String) -> String? { publicKey(from: raw).map(text(of:)) }

    public static func text(of key: Curve25519.Signing.PublicKey) -> String { "ed25519:" + key.rawRepresentation.base64EncodedString() }

    /// Reads `ed25519:BASE64` (the prefix may be left off) or 64 hex digits.
    public static func publicKey(from raw: String) -> Curve25519.Signing.PublicKey? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.lowercased().hasPrefix("ed25519:") { text = String(text.dropFirst("ed25519:".count)) }
        guard text.count <= 100 else { return nil }
        let bytes: Data?
        if text.count == 64, text.allSatisfy(\.isHexDigit) {
            bytes = Data(stride(from: 0, to: 64, by: 2).compactMap { offset -> UInt8? in
                let start = text.index(text.startIndex, offsetBy: offset)
                return UInt8(text[start..<text.index(start, offsetBy: 2)], radix: 16)
            })
        } else {
            bytes = Data(base64Encoded: text)
        }
        guard let bytes, bytes.count == 32 else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
    }
}

/// A chain head written down at an export and once a day: a later chain must still pass through it.
public struct AuditCheckpoint: Equatable, Sendable {
    public enum Reason: String, Codable, Sendable { case export, daily }

    public let sequence: Int64
    public let hash: String
    public let recordedAt: Date
    public let reason: Reason

    public init(sequence: Int64, hash: String, recordedAt: Date, reason: Reason) {
        self.sequence = sequence
        self.hash = hash
        self.recordedAt = recordedAt
        self.reason = reason
    }
}
