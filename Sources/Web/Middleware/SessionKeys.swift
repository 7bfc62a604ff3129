import Foundation

enum SessionKeys {
    static let userID = "uid"
    static let lastSeen = "seen"
    static let csrf = "csrf"
    static let flash = "flash"
}
