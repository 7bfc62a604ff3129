import Vapor

struct LoginPageContext: Encodable {
    let layout: LayoutContext
    let email: String
    let next: String
    let error: String?
}
