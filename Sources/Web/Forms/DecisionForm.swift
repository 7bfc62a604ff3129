import Vapor

/// A review's decision.
struct DecisionForm: EchoedForm {
    var decision: String?
    var conditions: String?
    var validUntil: String?
    var version: String?
}
