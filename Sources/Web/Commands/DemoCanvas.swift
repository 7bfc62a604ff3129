import CanvasAPI
import Foundation
import Vapor

/// `serve --demo` without a Canvas: starts the Canvas double (this binary, `canvas-double`) on loopback
/// with `data/canvas-double/demo.json` and connects to it, so a newcomer sees a synced Canvas with findings.
final class DemoCanvas: @unchecked Sendable {
    private let process: Process

    private init(process: Process) { self.process = process }

    static func start(_ app: Application) throws -> DemoCanvas? {
        guard app.context.canvas.current == nil else { return nil }
        let scenarioPath = app.context.config.dataDirectory + "canvas-double/demo.json"
        let scenario = try Data(contentsOf: URL(fileURLWithPath: scenarioPath))
        guard let object = try JSONSerialization.jsonObject(with: scenario) as? [String: Any], let token = object["token"] as? String else {
            throw ConfigurationError(variable: "DATA_DIR", problem: "canvas-double/demo.json has no token")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath()
        process.arguments = ["canvas-double", "--scenario", scenarioPath, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let demo = DemoCanvas(process: process)
        guard let line = Self.firstLine(output.fileHandleForReading), let address = line.split(separator: " ").last,
              let url = URL(string: String(address)) else {
            demo.stop()
            throw ConfigurationError(variable: "CANVAS_URL", problem: "the demo Canvas did not start")
        }
        // Keep reading what the double prints, so a full pipe never blocks it.
        let reader = output.fileHandleForReading
        DispatchQueue.global(qos: .background).async { _ = reader.readDataToEndOfFile() }
        var settings = CanvasSettings(baseURL: url, token: token)
        settings.delayScale = 0.05
        app.context.canvas.connect(settings)
        return demo
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    private static func firstLine(_ handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while bytes.count < 300 {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first else { break }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
