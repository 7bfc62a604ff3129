import Domain
import Foundation
import Vapor

extension Response {
    /// A stored document as a download: never shown inline, sandboxed, with its SHA-256.
    static func attachment(filename: String, type: DocumentType, sha256: String, _ bytes: [UInt8]) -> Response {
        let response = Response(status: .ok, body: .init(buffer: ByteBuffer(bytes: bytes)))
        response.headers.replaceOrAdd(name: .contentType, value: type.mediaType)
        let ascii = filename.unicodeScalars.map { $0.isASCII && $0 != "\"" ? String($0) : "_" }.joined()
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: "sandbox; default-src 'none'")
        response.headers.replaceOrAdd(name: "X-Content-SHA256", value: sha256)
        return response
    }

    /// The contract document the address names (`:contractID`, `:documentID`), as a download.
    static func contractDocument(_ req: Request) async throws -> Response {
        let contract = try await req.contractParameter()
        guard let id = req.parameters.get("documentID").flatMap(ContractDocument.ID.init(string:)),
              let (document, bytes) = try await req.store.contracts.document(id, of: contract.id)
        else { throw DomainError.notFound(entity: "document") }
        return attachment(filename: document.filename, type: document.type, sha256: document.sha256, bytes)
    }
}
