import Foundation
import Logging
import Vapor
import Web
import CanvasDouble

// The Canvas test double runs as its own process from the same binary (tests, benchmarks, `serve --demo`).
if CommandLine.arguments.dropFirst().first == "canvas-double" {
    exit(await CanvasDouble.main(arguments: Array(CommandLine.arguments.dropFirst(2))))
}

var env = try Environment.detect(arguments: EndpointsCheckCommand.normalise(arguments: CommandLine.arguments))
try LoggingSystem.bootstrap(from: &env)

let config: AppConfig
do {
    config = try AppConfig.fromEnvironment()
} catch {
    FileHandle.standardError.write(Data("vendor-review: configuration error: \(error)\n".utf8))
    exit(1)
}

let app = try await Application.make(env)
do {
    try await configure(app, config: config)
    try await app.execute()
} catch {
    FileHandle.standardError.write(Data("vendor-review: \(CommandFailure.message(for: error, logger: app.logger))\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
