import Domain
import Operations
import Persistence
import Vapor

/// Auditors (and admins) download the same export the command line writes, as one .zip.
struct ExportController: Sendable {
    func index(req: Request) async throws -> Response {
        try await req.page("exports/index", ExportPageContext(layout: LayoutContext(req, title: "Auditor export"), downloadURL: SiteURL.exportDownload.path,
                                                              asOf: "", error: nil, publicKey: req.operations.exports.publicKey))
    }

    func download(req: Request) async throws -> Response {
        let raw = (try? req.query.get(String.self, at: "asOf")) ?? ""
        var moment: Date?
        if !raw.isEmpty {
            guard let parsed = ExportCommand.moment(raw) else {
                return try await req.page("exports/index", ExportPageContext(layout: LayoutContext(req, title: "Auditor export"),
                                                                             downloadURL: SiteURL.exportDownload.path, asOf: raw,
                                                                             error: "Enter the as-of date as 2026-09-01.",
                                                                             publicKey: req.operations.exports.publicKey), status: .unprocessableEntity)
            }
            moment = parsed
        }
        let work = NSTemporaryDirectory() + "vr-export-\(UUID().uuidString)/"
        let directory = work + "bundle/"
        let zipPath = work + "export.zip"
        do {
            let manifest = try await req.operations.exports.write(to: directory, asOf: moment)
            let name = "vendor-review-export-\(CalendarDay.of(req.now))"
            try ZipWriter.zip(directory: directory, files: manifest.files.map(\.path) + [ExportManifest.fileName, ExportSignature.fileName], to: zipPath, prefix: name + "/")
            req.logger.info("export downloaded", metadata: ["user": .string(req.actor.label), "events": .string(String(manifest.auditEvents))])
            let response = try await req.fileio.asyncStreamFile(at: zipPath, mediaType: HTTPMediaType(type: "application", subType: "zip")) { _ in
                try? FileManager.default.removeItem(atPath: work)
            }
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name).zip\"")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch {
            try? FileManager.default.removeItem(atPath: work)
            throw error
        }
    }
}
