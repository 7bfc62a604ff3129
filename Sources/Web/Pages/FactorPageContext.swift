import Foundation

/// The authenticator page: enrolment (QR code, the key to type) or, once enrolled, its state; the recovery codes
/// only right after enrolment.
struct FactorPageContext: Encodable {
    let layout: LayoutContext
    let enrolled: Bool
    let enrolledAt: String?
    let recoveryLeft: Int
    /// Shown once, right after enrolment.
    let recoveryCodes: [String]
    let hasRecoveryCodes: Bool
    let secret: String?
    let uri: String?
    let qr: QRCodeSVG?
    let required: Bool
    let canReplace: Bool
    let error: String?
}
