import Domain
import Foundation
import ZIPFoundation

/// Opens an Office Open XML workbook (.xlsx, a ZIP archive of XML parts) with ZIPFoundation and
/// hands its text parts to `SpreadsheetXML`. Bounded before anything is inflated: the file's size, the
/// number of entries, each part's inflated size and its ratio to the compressed size (a ZIP bomb
/// inflates a thousandfold; a workbook's XML about tenfold), and the total inflated.
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
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw SpreadsheetError("The workbook is damaged: its ZIP directory cannot be read.")
        }
        var entries: [String: Entry] = [:]
        var count = 0
        for entry in archive {
            count += 1
            if count > limits.maxEntries { throw SpreadsheetError("The workbook holds more than \(limits.maxEntries) parts; a HECVAT holds about 30.") }
            if entries[entry.path] == nil { entries[entry.path] = entry }
        }
        var reader = PartReader(archive: archive, entries: entries, limits: limits)
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
        let archive: Archive
        let entries: [String: Entry]
        let limits: Limits
        var total = 0

        /// The part's bytes, nil when the archive has none by that name.
        mutating func read(_ path: String) throws -> [UInt8]? {
            guard let entry = entries[path] else { return nil }
            guard entry.type == .file else { throw SpreadsheetError("The workbook is damaged: \(path) is not a file.") }
            let declared = entry.uncompressedSize
            let compressed = max(entry.compressedSize, 1)
            if declared > UInt64(limits.maxPartBytes) {
                throw SpreadsheetError("The workbook part \(path) would inflate to more than \(limits.maxPartBytes / 1_048_576) MB; it was refused.")
            }
            if declared > UInt64(limits.ratioFloorBytes), declared / compressed > UInt64(limits.maxRatio) {
                throw SpreadsheetError("The workbook part \(path) would inflate \(declared / compressed) times its size, as a ZIP bomb does; it was refused.")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(min(declared, UInt64(limits.maxPartBytes))))
            let budget = min(limits.maxPartBytes, limits.maxTotalBytes - total)
            let ratioBound = max(UInt64(limits.ratioFloorBytes), compressed * UInt64(limits.maxRatio))
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    // The sizes in the directory are the archive's word: the bytes themselves are counted too.
                    if bytes.count + chunk.count > budget || UInt64(bytes.count + chunk.count) > ratioBound {
                        throw SpreadsheetError("The workbook part \(path) inflates further than the limits allow (a ZIP bomb?); it was refused.")
                    }
                    bytes.append(contentsOf: chunk)
                }
            } catch let error as SpreadsheetError {
                throw error
            } catch {
                throw SpreadsheetError("The workbook is damaged: \(path) cannot be inflated (\(Self.describe(error))).")
            }
            if UInt64(bytes.count) != declared {
                throw SpreadsheetError("The workbook is damaged: \(path) holds \(bytes.count) bytes, not the \(declared) its directory states.")
            }
            total += bytes.count
            return bytes
        }

        static func describe(_ error: any Error) -> String {
            switch error {
            case Archive.ArchiveError.invalidCRC32: "checksum mismatch"
            case Archive.ArchiveError.invalidCompressionMethod: "unknown compression method"
            default: "unreadable data"
            }
        }
    }
}
