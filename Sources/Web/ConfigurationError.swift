import Foundation

/// A configuration value that cannot be used, named by its variable (never its value).
public struct ConfigurationError: Error, CustomStringConvertible {
    public let variable: String
    public let problem: String
    public var description: String { "\(variable): \(problem)" }
}
