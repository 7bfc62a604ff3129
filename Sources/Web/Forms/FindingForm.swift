import Vapor

/// A finding recorded in a review.
struct FindingForm: EchoedForm {
    var title: String?
    var description: String?
    var severity: String?
    var dueOn: String?
    var assigneeID: String?
}
