import Domain

/// A QR code as the page draws it: one SVG path of unit squares with a four-module quiet zone.
struct QRCodeSVG: Encodable {
    let size: Int
    let path: String
    let mask: Int
    let version: Int

    init?(text: String) {
        guard let code = QRCode(text: text) else { return nil }
        size = code.size + 8
        mask = code.mask
        version = code.version
        var path = ""
        for (row, line) in code.modules.enumerated() {
            for (column, dark) in line.enumerated() where dark { path += "M\(column + 4) \(row + 4)h1v1h-1z" }
        }
        self.path = path
    }
}
