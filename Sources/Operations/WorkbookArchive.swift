import Domain
import Foundation
import SystemZlib

/// Opens an Office Open XML workbook (.xlsx, a ZIP archive of XML parts) and hands its text parts to
/// `SpreadsheetXML`. Bounded before anything is inflated: the file's size, the number of entries, each
/// part's inflated size and its ratio to the compressed size (a ZIP bomb inflates a thousandfold; a
/// workbook's XML about tenfold), and the total inflated; and bounded again while inflating, since the
/// sizes in a ZIP directory are only the archive's word.
///
/// The archive is read here, with the system's zlib, rather than with ZIPFoundation: fuzzing found that
/// ZIPFoundation 0.9.20 loops for ever on a deflate stream that ends before its end marker (its decoder
/// keeps asking for input at the end of the file) and traps in its in-memory mode when a directory points
/// past the end of the data. Here every offset is checked against the file, a part inflates from exactly
/// its own compressed bytes, and a stream that ends early is a damaged part.
public enum WorkbookArchive {
    public struct Limits: Sendable {
        public var maxFileBytes = 10 * 1_048_576
        public var maxEntries = 1_000
        public var maxPartBytes = 50 * 1_048_576
        public var maxTotalBytes = 100 * 1_048_576
        public var maxRatio = 200
        /// Parts smaller than this are not held to the ratio (tiny parts compress oddly).
        public var ratioFloorBytes = 1_048_576

        public init() {}

        public static let standard = Limits()
    }

    public static func sheets(_ bytes: [UInt8], limits: Limits = .standard) throws -> [SpreadsheetSheet] {
        guard bytes.count <= limits.maxFileBytes else {
            throw SpreadsheetError("The file is larger than \(limits.maxFileBytes / 1_048_576) MB; a HECVAT workbook is well under 2 MB.")
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw SpreadsheetError("This is an Excel 97–2003 workbook (.xls) or a password-protected one: save it as an .xlsx workbook without a password and upload that.")
        }
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            throw SpreadsheetError("This is not an .xlsx workbook (an .xlsx file is a ZIP archive, and this file is not one).")
        }
        var reader = PartReader(zip: try ZipDirectory(bytes, maxEntries: limits.maxEntries), limits: limits)
        guard let workbook = try reader.read("xl/workbook.xml") else {
            throw SpreadsheetError("This ZIP archive is not a spreadsheet: it has no xl/workbook.xml.")
        }
        let list = try SpreadsheetXML.sheets(workbook)
        let relationships = try reader.read("xl/_rels/workbook.xml.rels").map(SpreadsheetXML.relationships) ?? [:]
        let shared = try reader.read("xl/sharedStrings.xml").map(SpreadsheetXML.sharedStrings) ?? []
        var sheets: [SpreadsheetSheet] = []
        for (name, relationship) in list {
            guard let target = relationships[relationship], let path = partPath(target) else {
                throw SpreadsheetError("The workbook is damaged: sheet “\(name.prefix(60))” points at no part.")
            }
            guard let xml = try reader.read(path) else {
                throw SpreadsheetError("The workbook is damaged: sheet “\(name.prefix(60))” is missing (\(path.prefix(80))).")
            }
            sheets.append(SpreadsheetSheet(name: String(name.prefix(100)), cells: try SpreadsheetXML.cells(xml, part: path, shared: shared)))
        }
        guard !sheets.isEmpty else { throw SpreadsheetError("The workbook has no sheets.") }
        return sheets
    }

    /// A relationship target as an archive path: relative to `xl/` unless it starts with "/"; never
    /// outside the archive's folders.
    static func partPath(_ target: String) -> String? {
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }), path.count <= 255 else { return nil }
        return path
    }

    struct PartReader {
        let zip: ZipDirectory
        let limits: Limits
        var total = 0

        /// The part's bytes, nil when the archive has none by that name.
        mutating func read(_ path: String) throws -> [UInt8]? {
            guard let entry = zip.entries[path] else { return nil }
            if entry.uncompressedSize > limits.maxPartBytes {
                throw SpreadsheetError("The workbook part \(path) would inflate to more than \(limits.maxPartBytes / 1_048_576) MB; it was refused.")
            }
            let ratio = entry.uncompressedSize / max(entry.compressedSize, 1)
            if entry.uncompressedSize > limits.ratioFloorBytes, ratio > limits.maxRatio {
                throw SpreadsheetError("The workbook part \(path) would inflate \(ratio) times its size, as a ZIP bomb does; it was refused.")
            }
            let budget = min(limits.maxPartBytes, limits.maxTotalBytes - total, max(limits.ratioFloorBytes, entry.compressedSize * limits.maxRatio))
            let bytes = try zip.contents(of: entry, path: path, budget: budget)
            total += bytes.count
            return bytes
        }
    }
}

/// The central directory of a ZIP archive (PKWARE APPNOTE 4.3), as far as a workbook needs it: stored and
/// deflated parts, no encryption, no ZIP64 (which only archives over 4 GB need). Every offset and length is
/// checked against the file before it is used.
struct ZipDirectory {
    struct Entry {
        let method: Int
        let crc: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeader: Int
    }

    let bytes: [UInt8]
    /// By path; the first entry of a name wins.
    let entries: [String: Entry]

    init(_ bytes: [UInt8], maxEntries: Int) throws {
        self.bytes = bytes
        func damaged(_ what: String) -> SpreadsheetError { SpreadsheetError("The workbook is damaged: \(what).") }
        // The end-of-directory record: the last signature in the final 22 + 65,535 bytes whose comment reaches the end.
        var end: Int?
        var at = bytes.count - 22
        while at >= max(0, bytes.count - 22 - 65_535) {
            if Self.u32(bytes, at) == 0x0605_4B50, at + 22 + Self.u16(bytes, at + 20) == bytes.count { end = at; break }
            at -= 1
        }
        guard let end else { throw damaged("its ZIP directory cannot be found (a truncated file?)") }
        let count = Self.u16(bytes, end + 10), size = Int(Self.u32(bytes, end + 12)), offset = Int(Self.u32(bytes, end + 16))
        if Self.u16(bytes, end + 4) != 0 || Self.u16(bytes, end + 6) != 0 { throw damaged("it is one part of a multi-part ZIP archive") }
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw SpreadsheetError("The workbook is a ZIP64 archive, which a workbook under 4 GB never is; it was refused.")
        }
        if count > maxEntries { throw SpreadsheetError("The workbook holds more than \(maxEntries) parts; a HECVAT holds about 30.") }
        guard offset + size <= end else { throw damaged("its ZIP directory lies outside the file") }
        var entries: [String: Entry] = [:]
        var cursor = offset
        for _ in 0..<count {
            guard cursor + 46 <= offset + size, Self.u32(bytes, cursor) == 0x0201_4B50 else { throw damaged("its ZIP directory is cut short") }
            let flags = Self.u16(bytes, cursor + 8), method = Self.u16(bytes, cursor + 10)
            let nameLength = Self.u16(bytes, cursor + 28), extraLength = Self.u16(bytes, cursor + 30), commentLength = Self.u16(bytes, cursor + 32)
            let next = cursor + 46 + nameLength + extraLength + commentLength
            guard next <= offset + size else { throw damaged("its ZIP directory is cut short") }
            if flags & 1 != 0 { throw SpreadsheetError("The workbook is encrypted: save it without a password and upload that.") }
            let path = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            let entry = Entry(method: method, crc: Self.u32(bytes, cursor + 16), compressedSize: Int(Self.u32(bytes, cursor + 20)),
                              uncompressedSize: Int(Self.u32(bytes, cursor + 24)), localHeader: Int(Self.u32(bytes, cursor + 42)))
            if entries[path] == nil { entries[path] = entry }
            cursor = next
        }
        self.entries = entries
    }

    /// The entry's bytes, inflated from exactly its own compressed data, at most `budget` of them; the
    /// length and CRC-32 must be those the directory states.
    func contents(of entry: Entry, path: String, budget: Int) throws -> [UInt8] {
        func damaged(_ what: String) -> SpreadsheetError { SpreadsheetError("The workbook is damaged: \(path) \(what).") }
        let header = entry.localHeader
        guard header + 30 <= bytes.count, Self.u32(bytes, header) == 0x0403_4B50 else { throw damaged("has no local header where the directory says") }
        let start = header + 30 + Self.u16(bytes, header + 26) + Self.u16(bytes, header + 28)
        guard start + entry.compressedSize <= bytes.count else { throw damaged("runs past the end of the file") }
        let input = bytes[start..<(start + entry.compressedSize)]
        var output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else { throw damaged("is stored with two different sizes") }
            output = Array(input)
        case 8:
            output = try Self.inflate(input, budget: budget, path: path)
        default:
            throw SpreadsheetError("The workbook part \(path) uses a compression method (\(entry.method)) Excel does not write; it was refused.")
        }
        guard output.count == entry.uncompressedSize else {
            throw damaged("holds \(output.count) bytes, not the \(entry.uncompressedSize) its directory states")
        }
        let crc = output.withUnsafeBufferPointer { UInt32(SystemZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == entry.crc else { throw damaged("does not match its checksum") }
        return output
    }

    /// Raw deflate (RFC 1951) to its end marker; an input that ends first, or output beyond `budget`, is refused.
    static func inflate(_ input: ArraySlice<UInt8>, budget: Int, path: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SpreadsheetError("The workbook part \(path) cannot be inflated.")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let source = Array(input)
        return try source.withUnsafeBufferPointer { source -> [UInt8] in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return SystemZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > budget {
                    throw SpreadsheetError("The workbook part \(path) inflates further than the limits allow (a ZIP bomb?); it was refused.")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END: return output
                case Z_OK: continue
                // No progress is possible: the input ended before the stream did.
                case Z_BUF_ERROR: throw SpreadsheetError("The workbook is damaged: \(path) ends before its compressed data does.")
                default: throw SpreadsheetError("The workbook is damaged: \(path) cannot be inflated (corrupted data).")
                }
            }
        }
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> Int {
        guard at >= 0, at + 2 <= bytes.count else { return 0 }
        return Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
