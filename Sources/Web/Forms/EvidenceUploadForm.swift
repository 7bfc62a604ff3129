import Domain
import Operations
import Vapor

/// An evidence file as a browser uploads it: which question it answers, the file, and — because the
/// Attach button belongs to the answers form — every answer typed on the page so far, so attaching a
/// file never loses them.
struct EvidenceUploadForm {
    var question: String?
    var filename: String?
    var bytes: [UInt8] = []
    /// The text fields of the form, in order ("q.<question id>" answers among them).
    var pairs: [(String, String)] = []

    /// Reads the multipart body part by part. The file is the part named `file.<question>` (or `file`).
    static func decode(_ req: Request) throws -> EvidenceUploadForm {
        guard let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
              let boundary = type.parameters["boundary"], let body = req.body.data else {
            throw DomainError.validation(ValidationErrors(["file": "Choose a file to attach."]))
        }
        var form = EvidenceUploadForm()
        var files: [String: (String, [UInt8])] = [:]
        var headers: [String: String] = [:]
        var content = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            if let name = Self.parameter("name", in: disposition) {
                if let filename = Self.parameter("filename", in: disposition) {
                    if !filename.isEmpty { files[name] = (filename, Array(content.readableBytesView)) }
                } else {
                    // Text fields are UTF-8; anything else is dropped, never echoed into a page.
                    if let text = content.getString(at: content.readerIndex, length: content.readableBytes), !text.contains("\u{0}") {
                        form.pairs.append((name, text))
                    }
                }
            }
            headers = [:]
            content.clear()
        }
        do {
            try parser.execute(body)
        } catch {
            throw DomainError.validation(ValidationErrors(["file": "The upload could not be read. Choose the file again."]))
        }
        form.question = form.pairs.last { $0.0 == "question" }?.1
        if let file = form.question.flatMap({ files["file.\($0)"] }) ?? files["file"] {
            form.filename = file.0
            form.bytes = file.1
        }
        return form
    }

    /// `name="value"` from a Content-Disposition header.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let parts = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0].lowercased() == key else { continue }
            var value = parts[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// The typed answers that came with the upload; nil when the form carried none (an API-style upload).
    func answers(for questionnaire: Questionnaire) -> [String: [String]]? {
        pairs.contains { $0.0.hasPrefix("q.") } ? FormPairs.answers(pairs, questionnaire: questionnaire) : nil
    }
}

extension EvidenceUploadForm {
    /// Saves the answers typed on the page, then attaches the file, through the answers operation
    /// (staff and vendor pages alike). Invalid answers are refused before anything is attached.
    static func attach(_ upload: EvidenceUploadForm, _ req: Request, to questionnaire: Questionnaire, of integration: Integration.ID,
                       source: AnswerSource, by actor: Actor) async throws -> String {
        if let answers = upload.answers(for: questionnaire) {
            try await req.operations.answers.save(answers, to: questionnaire, of: integration, source: source, by: actor)
        }
        return try await req.operations.answers.attachEvidence(upload.bytes, filename: upload.filename, question: upload.question,
                                                               of: questionnaire, for: integration, source: source, by: actor)
    }
}
