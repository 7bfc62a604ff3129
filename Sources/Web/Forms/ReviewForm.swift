import Domain
import Vapor

/// An open review's reviewer, scope, remediation and — for accessibility reviews — the ACR outcome
/// of each area (`outcome_<area>` fields).
struct ReviewForm: Decodable {
    var reviewerID: String?
    var scope: String?
    var remediation: String?
    var dueOn: String?
    var version: String?
    var outcomes: [ACRArea: String] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldName.self)
        reviewerID = try container.decodeIfPresent(String.self, forKey: FieldName("reviewerID"))
        scope = try container.decodeIfPresent(String.self, forKey: FieldName("scope"))
        remediation = try container.decodeIfPresent(String.self, forKey: FieldName("remediation"))
        dueOn = try container.decodeIfPresent(String.self, forKey: FieldName("dueOn"))
        version = try container.decodeIfPresent(String.self, forKey: FieldName("version"))
        for area in ACRArea.allCases {
            outcomes[area] = try container.decodeIfPresent(String.self, forKey: FieldName("outcome_\(area.rawValue)"))
        }
    }

    /// The fields as sent, to show the form again.
    var values: [String: String] {
        var values: [String: String] = [:]
        values["reviewerID"] = reviewerID
        values["scope"] = scope
        values["remediation"] = remediation
        values["dueOn"] = dueOn
        values["version"] = version
        for (area, outcome) in outcomes { values["outcome_\(area.rawValue)"] = outcome }
        return values.mapValues(Echo.clean)
    }
}
