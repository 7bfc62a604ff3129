import Domain
import Foundation
import Operations
import TestSupport
import Testing

@Suite("Reading .xlsx archives within limits")
struct WorkbookArchiveTests {
    func refusal(_ bytes: [UInt8], limits: WorkbookArchive.Limits = .standard) -> String? {
        do {
            _ = try WorkbookArchive.sheets(bytes, limits: limits)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aWorkbookIsReadSheetBySheet() throws {
        let sheets = try WorkbookArchive.sheets(try WorkbookFixture.hecvat().xlsx())
        #expect(sheets.map(\.name) == ["START HERE", "Questions", "Analyst Report"])
        #expect(sheets[1].cells.first == SpreadsheetCell(row: 1, column: 1, text: "ID"))
    }

    @Test func anOversizedFileIsRefusedBeforeItIsOpened() {
        #expect(refusal(Array(repeating: 0x50, count: 10 * 1_048_576 + 1))?.contains("larger than 10 MB") == true)
    }

    @Test func everyLimitHoldsAndSaysWhich() throws {
        let good = try WorkbookFixture.hecvat().xlsx()
        var few = WorkbookArchive.Limits()
        few.maxEntries = 3
        #expect(refusal(good, limits: few)?.contains("more than 3 parts") == true)
        var small = WorkbookArchive.Limits()
        small.maxPartBytes = 100
        #expect(refusal(good, limits: small)?.contains("would inflate to more than") == true)
        var total = WorkbookArchive.Limits()
        total.maxTotalBytes = 2_000
        #expect(refusal(good, limits: total)?.contains("inflates further than the limits allow") == true)
        var tight = WorkbookArchive.Limits()
        tight.ratioFloorBytes = 1
        tight.maxRatio = 2
        #expect(refusal(good, limits: tight)?.contains("as a ZIP bomb does") == true)
        #expect(refusal(good) == nil)
    }

    @Test func encryptedAndMultiPartArchivesAreNamed() throws {
        var encrypted = try WorkbookFixture.zip([("xl/workbook.xml", Array("<workbook/>".utf8))])
        // The general-purpose flag of the central directory entry: bit 0 is "encrypted".
        let central = try #require((0..<(encrypted.count - 4)).first { encrypted[$0..<($0 + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) })
        encrypted[central + 8] |= 1
        #expect(refusal(encrypted)?.contains("encrypted") == true)
        #expect(refusal([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 40))?.contains("cannot be found") == true)
    }
}
