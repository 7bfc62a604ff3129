// libFuzzer entry for the HECVAT workbook reader: the ZIP archive and its deflated parts (zlib), the
// spreadsheet XML parts and the HECVAT reading of their cells. An input that starts like a ZIP archive
// goes through the whole reader; any other is read as a worksheet part and its cells as a workbook.
// Any input must be accepted or refused with a SpreadsheetError: never a crash, a hang or an
// out-of-bounds read.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func workbookFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let sheets: [SpreadsheetSheet]
        if bytes.starts(with: [0x50, 0x4B]) {
            sheets = try WorkbookArchive.sheets(bytes)
        } else {
            let shared = (try? SpreadsheetXML.sharedStrings(bytes)) ?? []
            sheets = [SpreadsheetSheet(name: "fuzz", cells: try SpreadsheetXML.cells(bytes, part: "fuzz", shared: shared))]
        }
        let workbook = try HECVATWorkbook.read(sheets)
        precondition(!workbook.answers.isEmpty && workbook.answers.count <= HECVATWorkbook.maxQuestions)
        precondition(Set(workbook.answers.map(\.id)).count == workbook.answers.count, "each id once")
    } catch is SpreadsheetError {
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}
