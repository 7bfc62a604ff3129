import Vapor

/// Starting a security or accessibility review (optionally superseding a decided one).
struct ReviewStartForm: EchoedForm {
    var kind: String?
    var reviewerID: String?
    var scope: String?
    var dueOn: String?
    var supersedes: String?
}
