import Domain
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321): EHLO, optional STARTTLS and AUTH PLAIN, one message per connection.
struct SMTPTransport: MailTransport {
    let settings: SMTPSettings
    let clientName: String
    var timeout: TimeAmount = .seconds(30)

    var description: String { settings.description }

    func deliver(_ message: MailMessage, rendered: String, id: String) async throws {
        let settings = settings
        let clientName = clientName
        let tls: NIOSSLContext? = try settings.security == .starttls ? Self.tlsContext(settings) : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let raw = channel.channel
        let deadline = NIODeadline.now() + timeout
        let timer = raw.eventLoop.scheduleTask(deadline: deadline) { raw.close(promise: nil) }
        defer { timer.cancel() }
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply() async throws -> SMTPReply {
                var text: [String] = []
                while true {
                    guard let line = try await lines.next() else { throw MailDeliveryError(description: "the SMTP server closed the connection") }
                    guard let parsed = SMTPReply.parseLine(line) else { throw MailDeliveryError(description: "unreadable SMTP reply") }
                    text.append(parsed.text)
                    if parsed.last { return SMTPReply(code: parsed.code, lines: text) }
                }
            }
            func command(_ line: String, expect: Set<Int>, shown: String? = nil) async throws -> SMTPReply {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                let answer = try await reply()
                guard expect.contains(answer.code) else {
                    throw MailDeliveryError(description: "\(shown ?? line) was refused: \(answer.code) \(answer.lines.joined(separator: " "))")
                }
                return answer
            }
            let greeting = try await reply()
            guard greeting.code == 220 else { throw MailDeliveryError(description: "the SMTP server did not greet: \(greeting.code)") }
            var hello = try await command("EHLO \(clientName)", expect: [250])
            if let tls {
                guard hello.capabilities.contains("STARTTLS") else {
                    throw MailDeliveryError(description: "the SMTP server does not offer STARTTLS, which SMTP_URL requires (it offers \(hello.capabilities.joined(separator: ", ")))")
                }
                _ = try await command("STARTTLS", expect: [220])
                let serverName = settings.host.isIPAddress ? nil : settings.host
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
                }.get()
                hello = try await command("EHLO \(clientName)", expect: [250])
            }
            if let username = settings.username {
                guard hello.capabilities.contains(where: { $0.hasPrefix("AUTH") && $0.contains("PLAIN") }) else {
                    throw MailDeliveryError(description: "the SMTP server does not offer AUTH PLAIN")
                }
                let token = Data("\u{0}\(username)\u{0}\(settings.password ?? "")".utf8).base64EncodedString()
                _ = try await command("AUTH PLAIN \(token)", expect: [235], shown: "AUTH PLAIN (credentials withheld)")
            }
            _ = try await command("MAIL FROM:<\(MailMessage.address(message.from))>", expect: [250])
            for recipient in message.to {
                _ = try await command("RCPT TO:<\(MailMessage.address(recipient))>", expect: [250, 251])
            }
            _ = try await command("DATA", expect: [354])
            _ = try await command(SMTPReply.dotStuffed(rendered) + ".", expect: [250], shown: "the message")
            _ = try? await command("QUIT", expect: [221])
        }
    }

    static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            configuration.trustRoots = .file(caFile)
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// One SMTP reply: a code and its text lines ("250-first", "250 last").
struct SMTPReply: Equatable {
    let code: Int
    let lines: [String]

    /// EHLO keywords, upper-cased: "STARTTLS", "AUTH PLAIN LOGIN", "SIZE 1000000".
    var capabilities: [String] { lines.dropFirst().map { $0.uppercased() } }

    static func parseLine(_ line: String) -> (code: Int, last: Bool, text: String)? {
        let chars = Array(line)
        guard chars.count >= 3, let code = Int(String(chars[0..<3])), (200...599).contains(code) else { return nil }
        if chars.count == 3 { return (code, true, "") }
        guard chars[3] == " " || chars[3] == "-" else { return nil }
        return (code, chars[3] == " ", String(chars[4...]))
    }

    /// The message body for DATA: CRLF line ends, lines opening with "." doubled, ending in CRLF.
    static func dotStuffed(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        var lines = normalised.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// Splits the byte stream into reply lines without their CRLF. Refuses absurdly long lines.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 8_192 { throw MailDeliveryError(description: "SMTP reply line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        // Trimmed as scalars: Swift reads "\r\n" as one Character, so hasSuffix("\n") would miss it.
        let line = (buffer.readString(length: length) ?? "").trimmingCharacters(in: .newlines)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

private extension String {
    var isIPAddress: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, self, &v4) == 1 || inet_pton(AF_INET6, self, &v6) == 1
    }
}
