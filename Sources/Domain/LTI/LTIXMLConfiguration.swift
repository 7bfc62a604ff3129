import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// LTI 1.1 configuration XML (`cartridge_basiclti_link`, blti/lticm namespaces, Canvas extensions),
/// read with libxml2 through XMLParser. Documents with a DOCTYPE or entity declarations are refused
/// before parsing — no LTI configuration needs one, and that is where XXE and entity expansion
/// ("billion laughs") attacks live; external entities are never resolved; depth is limited.
enum LTIXMLConfiguration {
    static func parse(_ bytes: [UInt8]) throws -> LTIConfiguration {
        if let problem = XMLSafety.problem(bytes, what: "The XML") { throw LTIConfigurationError(problem) }
        let reader = Reader()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let ok = parser.parse()
        if let problem = reader.problem { throw LTIConfigurationError(problem) }
        guard ok else { throw LTIConfigurationError("The XML could not be read (line \(parser.lineNumber)).") }
        guard reader.root == "cartridge_basiclti_link" else {
            throw LTIConfigurationError("This XML is not an LTI 1.1 configuration (its root is “\(reader.root ?? "none")”, not cartridge_basiclti_link).")
        }
        guard let title = reader.values["title"], !title.isEmpty else { throw LTIConfigurationError("The configuration has no blti:title.") }
        let privacyRaw = reader.canvasProperties["privacy_level"] ?? "anonymous"
        guard let privacy = LTIPrivacyLevel(rawValue: privacyRaw) else {
            throw LTIConfigurationError("Unknown privacy_level “\(privacyRaw)” (anonymous, name_only, email_only or public).")
        }
        let launch = reader.values["launch_url"] ?? reader.values["secure_launch_url"]
        return LTIConfiguration(ltiVersion: "1.1", title: title, targetLinkURI: launch, oidcInitiationURL: nil, privacyLevel: privacy,
                                placements: reader.placements, scopes: [], domains: [reader.canvasProperties["domain"]].compactMap { $0 } + reader.placementHosts)
    }

    final class Reader: NSObject, XMLParserDelegate {
        var root: String?
        var depth = 0
        var problem: String?
        var values: [String: String] = [:]
        var canvasProperties: [String: String] = [:]
        var placements: [String] = []
        var placementHosts: [String] = []
        private var stack: [(name: String, attributes: [String: String])] = []
        private var text = ""
        private var inCanvasExtension = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            if depth > LTIConfigurationParser.maxDepth {
                problem = "The XML is nested more than \(LTIConfigurationParser.maxDepth) levels deep; it was refused."
                parser.abortParsing()
                return
            }
            if root == nil { root = name }
            if name == "extensions" && (attributes["platform"] ?? "") == "canvas.instructure.com" { inCanvasExtension = true }
            if name == "options", inCanvasExtension, stack.last?.name == "extensions", let placement = attributes["name"] { placements.append(placement) }
            stack.append((name, attributes))
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parserDidEndDocument(_ parser: XMLParser) {
            if !stack.isEmpty && problem == nil { problem = "The XML is not well-formed: <\(stack.last!.name)> is never closed." }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if problem == nil { problem = "The XML could not be read (line \(parser.lineNumber))." }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
            let element = stack.popLast()
            if element?.name != name {
                problem = "The XML is not well-formed: <\(element?.name ?? "")> is closed by </\(name)> (line \(parser.lineNumber))."
                parser.abortParsing()
                return
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if ["title", "description", "launch_url", "secure_launch_url"].contains(name), stack.count == 1 { values[name] = value }
            if name == "property", inCanvasExtension, let key = element?.attributes["name"] {
                if stack.last?.name == "extensions" { canvasProperties[key] = value }
                if stack.last?.name == "options", key == "url", let host = URLComponents(string: value)?.host { placementHosts.append(host) }
            }
            if name == "extensions" { inCanvasExtension = false }
            text = ""
        }

        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
            problem = "The XML declares an external entity; it was refused."
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            problem = "The XML declares an entity; it was refused."
            parser.abortParsing()
        }
    }
}
