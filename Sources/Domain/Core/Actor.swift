import Foundation

/// Who did something, as recorded in the audit trail.
public struct Actor: Equatable, Sendable {
    public let userID: Identifier<User>?
    /// A readable label, e.g. "ana@northfield.edu (admin)", "command line", "system".
    public let label: String

    public init(userID: Identifier<User>?, label: String) {
        self.userID = userID
        self.label = label
    }

    public init(user: User) {
        self.init(userID: user.id, label: "\(user.email) (\(user.role.rawValue))")
    }

    public static let system = Actor(userID: nil, label: "system")
    public static let commandLine = Actor(userID: nil, label: "command line")
}
