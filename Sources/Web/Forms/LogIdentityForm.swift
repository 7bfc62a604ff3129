import Vapor

/// How an integration's requests are recognised in logs: one service-account id or user agent per line.
struct LogIdentityForm: EchoedForm {
    var serviceAccountUserIDs: String?
    var userAgentPatterns: String?
}
