import Foundation

/// A plain-text e-mail. Rendering to RFC 5322 is pure, so the file outbox and SMTP send the same bytes.
public struct MailMessage: Equatable, Sendable {
    public let from: String
    public let to: [String]
    public let subject: String
    public let body: String

    public init(from: String, to: [String], subject: String, body: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
    }

    /// The bare address of a "Name <address>" or plain address, as SMTP's MAIL FROM / RCPT TO need.
    public static func address(_ mailbox: String) -> String {
        if let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close {
            return String(mailbox[mailbox.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return mailbox.trimmingCharacters(in: .whitespaces)
    }

    /// A "Name <address>" mailbox as a header writes it (RFC 5322 and 2047): a name with anything
    /// beyond letters, digits and spaces is quoted ("Müller, José" would otherwise read as two
    /// addresses), and a name that is not plain ASCII becomes an encoded word.
    public static func headerMailbox(_ mailbox: String) -> String {
        let address = Self.address(mailbox)
        guard let open = mailbox.lastIndex(of: "<") else { return address }
        var name = mailbox[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        if name.isEmpty { return "<\(address)>" }
        if !name.allSatisfy(\.isASCII) {
            return "=?UTF-8?B?" + Data(name.utf8).base64EncodedString() + "?= <\(address)>"
        }
        if name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " }) { return "\(name) <\(address)>" }
        let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(quoted)\" <\(address)>"
    }

    /// The message as RFC 5322 text with CRLF line ends: UTF-8 body in quoted-printable, a subject
    /// that is not plain ASCII as an encoded word. Header values never carry a line break.
    public func rendered(messageID: String, date: Date) -> String {
        func clean(_ value: String) -> String {
            value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let subjectLine = clean(subject)
        let encodedSubject = subjectLine.allSatisfy({ $0.isASCII })
            ? subjectLine : "=?UTF-8?B?" + Data(subjectLine.utf8).base64EncodedString() + "?="
        let headers = [
            "From: \(Self.headerMailbox(clean(from)))",
            "To: \(to.map { Self.headerMailbox(clean($0)) }.joined(separator: ", "))",
            "Subject: \(encodedSubject)",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(clean(messageID))>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + Self.quotedPrintable(body) + "\r\n"
    }

    /// Quoted-printable (RFC 2045): lines at most 76 characters, soft breaks with "=".
    public static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { line -> String in
            var out = "", current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                var piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if current.count + piece.count > 75 {
                    out += current + "=\r\n"
                    current = ""
                }
                // A "." opening a line is encoded, so SMTP's dot rule never touches the text.
                if current.isEmpty && byte == 46 { piece = "=2E" }
                current += piece
            }
            return out + current
        }.joined(separator: "\r\n")
    }
}
