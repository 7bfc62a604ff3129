import Foundation

/// Rules for passwords people choose. Length beats composition rules (NIST SP 800-63B).
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 72  // bcrypt reads at most 72 bytes

    static let common: Set<String> = [
        "password1234", "123456789012", "qwertyuiop12", "letmein12345", "welcome12345",
        "iloveyou1234", "password123!", "administrator", "changeme1234", "canvascanvas",
        "passwordpassword", "qwertyqwerty", "111111111111", "abc123abc123",
    ]

    /// Why the password is refused, or nil when it is acceptable.
    public static func problem(with password: String, email: String) -> String? {
        if password.count < minimumLength {
            return "Password must be at least \(minimumLength) characters."
        }
        if password.utf8.count > maximumLength {
            return "Password must be at most \(maximumLength) bytes."
        }
        let lowered = password.lowercased()
        if Set(lowered).count < 4 {
            return "Password is too repetitive; use a passphrase of several words."
        }
        if common.contains(lowered) {
            return "Password is too common; choose another."
        }
        let local = email.split(separator: "@").first.map(String.init)?.lowercased() ?? ""
        if local.count >= 4, lowered.contains(local) {
            return "Password must not contain your e-mail name."
        }
        return nil
    }
}
