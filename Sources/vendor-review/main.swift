import Foundation
import Logging
import Vapor
import Web

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
