import Foundation

/// The double started as its own process (`BINARY canvas-double --scenario FILE --port 0`): waits for its
/// "listening on" line, then keeps reading what it prints so a full pipe never blocks it.
/// Used by `serve --demo`, the tests and the benchmark.
public final class DoubleProcess: @unchecked Sendable {
    public let process: Process
    public let url: URL

    public struct DidNotStart: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "the Canvas double did not start: \(output.isEmpty ? "no output" : output)" }
    }

    public init(binary: String, scenario: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["canvas-double", "--scenario", scenario, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        var line: [UInt8] = []
        while line.count < 300, let byte = reader.readData(ofLength: 1).first, byte != UInt8(ascii: "\n") { line.append(byte) }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("canvas-double listening on "), let address = text.split(separator: " ").last, let url = URL(string: String(address)) else {
            if process.isRunning { process.terminate() }
            throw DidNotStart(output: text)
        }
        self.url = url
        DispatchQueue.global(qos: .background).async { _ = reader.readDataToEndOfFile() }
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
