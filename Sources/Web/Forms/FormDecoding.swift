import Foundation
import Vapor

extension Request {
    /// Decodes form or JSON content; unreadable bodies become a 400 with a plain message.
    func form<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try content.decode(T.self) } catch let error as DecodingError { throw error } catch {
            throw Abort(.unsupportedMediaType)
        }
    }
}

/// A form whose fields can be shown again as they were sent (after a validation error).
protocol EchoedForm: Decodable {}

extension EchoedForm {
    /// The submitted text fields by name; fields that were not sent are absent.
    var values: [String: String] {
        var values: [String: String] = [:]
        for child in Mirror(reflecting: self).children {
            if let name = child.label, let value = child.value as? String { values[name] = Echo.clean(value) }
        }
        return values
    }
}

/// What a page may show again of what someone sent: control characters (binary garbage, NULs)
/// are dropped, line breaks and tabs kept, and an echo is never longer than a field could be.
enum Echo {
    static let maxLength = 20_000

    static func clean(_ value: String) -> String {
        let kept = value.unicodeScalars.filter { scalar in
            scalar.properties.generalCategory != .control || scalar == "\n" || scalar == "\r" || scalar == "\t"
        }
        return String(String.UnicodeScalarView(kept.prefix(maxLength)))
    }

    /// Rendered HTML without C0 controls (but tab, line feed, carriage return), DEL or C1 controls.
    static func clean(_ buffer: ByteBuffer) -> ByteBuffer {
        let bytes = buffer.readableBytesView
        func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F }
        var c1 = false
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == 0xC2 && (0x80...0x9F).contains(byte) { c1 = true; break }
            previous = byte
        }
        guard c1 || bytes.contains(where: isControl) else { return buffer }
        var out = ByteBuffer()
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let next = bytes.index(after: index)
            if byte == 0xC2, next < bytes.endIndex, (0x80...0x9F).contains(bytes[next]) {
                index = bytes.index(after: next)
                continue
            }
            if !isControl(byte) { out.writeInteger(byte) }
            index = next
        }
        return out
    }
}

/// Any field name, for forms whose fields follow from a list (a contract's clauses, ACR areas).
struct FieldName: CodingKey {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// A form that uploads one file.
struct FileUploadForm: Decodable {
    var file: File?
}
