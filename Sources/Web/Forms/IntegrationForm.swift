import Domain
import Vapor

struct IntegrationForm: Content {
    var name: String?
    var kind: String?
    var installLevel: String?
    var subAccountName: String?
    var purpose: String?
    var classification: String?
    var sendsDataToAI: String?
    var aiServices: String?
    var aiData: String?
    var ownerID: String?
    var nextReviewOn: String?
    var version: String?
    /// The JSON API names the vendor in the body; the web form has it in the path.
    var vendorID: String?

    func validated() throws -> IntegrationFields {
        try IntegrationFields.validate(
            name: name, kind: kind, installLevel: installLevel, subAccountName: subAccountName, purpose: purpose,
            classification: classification, sendsDataToAI: sendsDataToAI, aiServices: aiServices, aiData: aiData,
            ownerID: ownerID, nextReviewOn: nextReviewOn)
    }
}
