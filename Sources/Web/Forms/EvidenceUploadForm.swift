import Domain
import Operations
import Vapor

/// An evidence file as a browser uploads it: which question it answers, and the file.
struct EvidenceUploadForm: Decodable {
    var question: String?
    var file: File?
}

extension EvidenceUploadForm {
    /// Decodes the upload and attaches it through the answers operation (staff and vendor pages alike).
    static func attach(_ req: Request, to questionnaire: Questionnaire, of integration: Integration.ID, source: AnswerSource, by actor: Actor) async throws -> String {
        let upload = try req.form(Self.self)
        return try await req.operations.answers.attachEvidence(
            upload.file.map { [UInt8]($0.data.readableBytesView) } ?? [], filename: upload.file?.filename, question: upload.question,
            of: questionnaire, for: integration, source: source, by: actor)
    }
}
