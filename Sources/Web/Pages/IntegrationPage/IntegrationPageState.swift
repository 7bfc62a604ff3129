import Foundation

/// What the page shows besides the stored records: a sub-form that came back with errors, or a
/// new answer link shown once.
enum IntegrationPageState {
    case plain
    case statusFailed(errors: [String: String])
    case linkCreated(NewAnswerLink)
    case linkFailed(values: [String: String], errors: [String: String])
    case reviewFailed(values: [String: String], errors: [String: String])
    case releaseRefused(String)
    case ltiFailed(String)
    case identityFailed(values: [String: String], errors: [String: String])
    /// A switch-off in Canvas asked for from the "In Canvas" panel was refused before it was recorded.
    case canvasWriteFailed(String)
}

