import Crypto
import Foundation

/// The document formats a contract may carry, recognised by their bytes, not their name.
public enum DocumentType: String, CaseIterable, Codable, Sendable {
    case pdf, docx, xlsx, pptx, odt, ods, doc, xls, rtf, txt

    public var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .doc: "application/msword"
        case .xls: "application/vnd.ms-excel"
        case .rtf: "application/rtf"
        case .txt: "text/plain; charset=utf-8"
        }
    }

    static let zipFamily: Set<DocumentType> = [.docx, .xlsx, .pptx, .odt, .ods]
    static let oleFamily: Set<DocumentType> = [.doc, .xls]
}

public enum DocumentCheck {
    public static let defaultMaxBytes = 20 * 1_048_576

    /// The type of an upload when its content is an allowed document format matching its name,
    /// or a validation error that says what was wrong. Never trusts the browser's content type.
    public static func detect(filename: String, bytes: [UInt8], maxBytes: Int) throws -> DocumentType {
        var errors = ValidationErrors()
        let name = filename.trimmingCharacters(in: .whitespaces)
        let ext = (name as NSString).pathExtension.lowercased()
        if bytes.isEmpty { errors.add("file", "The file is empty.") }
        if bytes.count > maxBytes {
            errors.add("file", "The file is \(megabytes(bytes.count)); the limit is \(megabytes(maxBytes)).")
        }
        try errors.throwIfAny()
        guard let claimed = DocumentType(rawValue: ext) else {
            throw DomainError.validation(ValidationErrors(["file": "Only PDF and office documents (PDF, DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS, RTF, TXT) can be attached; “\(name)” is not one."]))
        }
        let family = sniff(bytes)
        let matches: Bool
        switch family {
        case .pdf?: matches = claimed == .pdf
        case .zip?: matches = DocumentType.zipFamily.contains(claimed)
        case .ole?: matches = DocumentType.oleFamily.contains(claimed)
        case .rtf?: matches = claimed == .rtf
        case .text?: matches = claimed == .txt
        case nil: matches = false
        }
        guard matches else {
            throw DomainError.validation(ValidationErrors(["file": "“\(name)” does not contain what its name says (a .\(ext) file); it was refused. Upload the original document."]))
        }
        return claimed
    }

    enum Family { case pdf, zip, ole, rtf, text }

    static func sniff(_ bytes: [UInt8]) -> Family? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return .zip }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .ole }
        if starts(Array("{\\rtf".utf8)) { return .rtf }
        if !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil { return .text }
        return nil
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexString
    }

    /// "812 bytes", "2 KB", "20.0 MB".
    public static func megabytes(_ count: Int) -> String {
        if count < 1_024 { return "\(count) bytes" }
        if count < 1_048_576 { return "\(Int((Double(count) / 1_024).rounded())) KB" }
        return String(format: "%.1f MB", Double(count) / 1_048_576)
    }

    /// A name safe to store and to send back in a download header.
    public static func cleanName(_ raw: String) -> String {
        let base = (raw as NSString).lastPathComponent
        let cleaned = base.unicodeScalars.filter { $0.properties.generalCategory != .control && !"\\/\"".unicodeScalars.contains($0) }
        let text = String(String.UnicodeScalarView(cleaned)).trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "document" : String(text.prefix(200))
    }
}

public struct ContractDocument: Equatable, Sendable {
    public typealias ID = Identifier<ContractDocument>

    public let id: ID
    public let contractID: Contract.ID
    public let filename: String
    public let type: DocumentType
    public let size: Int
    public let sha256: String
    public let uploadedBy: String
    public let uploadedAt: Date

    public init(id: ID, contractID: Contract.ID, filename: String, type: DocumentType, size: Int, sha256: String, uploadedBy: String, uploadedAt: Date) {
        self.id = id
        self.contractID = contractID
        self.filename = filename
        self.type = type
        self.size = size
        self.sha256 = sha256
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }
}

public protocol ContractRepository: Sendable {
    func find(_ id: Contract.ID) async throws -> Contract?
    func list(_ query: ContractQuery) async throws -> ResultPage<Contract>
    /// Every contract the query matches (its page is ignored), in one query.
    func all(_ query: ContractQuery) async throws -> [Contract]
    /// The contracts of several vendors (one query a batch), by vendor.
    func all(ofVendors vendors: Set<Vendor.ID>) async throws -> [Vendor.ID: [Contract]]
    func create(_ fields: ContractFields, vendorID: Vendor.ID, id: Contract.ID, by actor: Actor, at now: Date) async throws -> Contract
    func update(_ id: Contract.ID, to fields: ContractFields, expectedVersion: Int, by actor: Actor, at now: Date) async throws -> Contract
    func documents(_ id: Contract.ID) async throws -> [ContractDocument]
    func attach(_ document: ContractDocument, bytes: [UInt8], by actor: Actor) async throws
    /// The document and its bytes, only when it belongs to the contract.
    func document(_ id: ContractDocument.ID, of contract: Contract.ID) async throws -> (ContractDocument, [UInt8])?
}
