import CanvasAPI
import Domain
import Foundation
import Persistence

/// Everything read from the environment, once, at start-up. Errors name the variable, never its value.
public struct AppConfig: Sendable {
    public var database: DatabaseConfig
    /// Where templates are looked up first (`TEMPLATES_DIR`); anything not there comes from the
    /// shipped `templates/`, so an institution overrides only the files it changes.
    public var templatesDirectory: String
    public var shippedTemplatesDirectory: String
    public var dataDirectory: String
    /// The address people use to reach the app (`PUBLIC_URL`); https here makes session cookies Secure.
    /// Unset, links use the address the server listens on (`serve --port 8181` → http://127.0.0.1:8181).
    public var publicURL: String?
    public var bcryptCost: Int
    public var sessionIdleTimeout: TimeInterval
    public var maxBodySize: Int
    /// Largest contract document accepted (default 20 MB).
    public var maxDocumentBytes: Int
    /// Where mail goes: .eml files under `OUTBOX_DIR` (default var/outbox/) unless `SMTP_URL` is set.
    public var outboxDirectory: String
    var smtp: SMTPSettings?
    /// The sender of every message, `MAIL_FROM`.
    public var mailFrom: String
    /// The institution's name on reports and printed pages (`INSTITUTION_NAME`).
    public var institutionName: String
    /// How often a running server sends due reminders (`REMINDER_INTERVAL_MINUTES`, default 60; 0 = never).
    public var reminderIntervalMinutes: Int
    /// The institution's Canvas (`CANVAS_URL`, `CANVAS_TOKEN_FILE`, `CANVAS_ACCOUNT_ID`); nil when not connected.
    /// The token lives only here, in memory.
    public var canvas: CanvasSettings?
    /// How often a running server syncs with Canvas (`CANVAS_SYNC_INTERVAL_MINUTES`, default 60; 0 = never).
    public var canvasSyncIntervalMinutes: Int = 60
    /// `CANVAS_ENFORCE=on`, also when no Canvas is configured (then only `serve --demo`, whose Canvas
    /// double it enforces against, accepts it).
    public var canvasEnforce = false
    /// The institution's secret (`SECRET_KEY_FILE`), which signs exports. Unset, `var/secret.key` is used
    /// and created on first start; set, the file must exist.
    public var secretKeyFile: String
    public var secretKeyFileIsConfigured: Bool
    /// Drift scans older than this many days are deleted by `serve`'s hourly upkeep, the newest always
    /// kept (`DRIFT_RETENTION_DAYS`, default 365; 0 keeps every scan).
    public var driftRetentionDays: Int = 365
    /// How often the mail worker looks for messages other instances stored and retries that are due
    /// (`MAIL_POLL_SECONDS`, default 5); its own instance's messages go at once.
    public var mailPollSeconds: Int = 5
    /// `TEMPLATE_RELOAD=on` reads templates from disk at every page, for someone editing them; off
    /// (the default, whatever Vapor's `--env`), each template is parsed once.
    public var templateReload = false
    /// `PUBLIC_LIST=on` publishes the list of approved tools at `/approved-tools`, without sign-in.
    public var publicList = false
    /// Single sign-on, trusted proxies and who may use a local password.
    public var signIn = SignInSettings.standard

    public var cookiesAreSecure: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }

    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> AppConfig {
        let root = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        let database: DatabaseConfig
        do {
            database = try DatabaseConfig.from(environment: env["DATABASE_URL"], workingDirectory: root)
        } catch let error as DatabaseConfig.ConfigError {
            throw ConfigurationError(variable: "DATABASE_URL", problem: error.description.replacingOccurrences(of: "DATABASE_URL: ", with: ""))
        }
        func directory(_ name: String, default value: String) -> String {
            let raw = env[name].flatMap { $0.isEmpty ? nil : $0 } ?? value
            let absolute = raw.hasPrefix("/") ? raw : root + raw
            return absolute.hasSuffix("/") ? absolute : absolute + "/"
        }
        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let raw = env[name], !raw.isEmpty else { return value }
            guard let number = Int(raw), range.contains(number) else {
                throw ConfigurationError(variable: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        let publicURL = env["PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ConfigurationError(variable: "PUBLIC_URL", problem: "must start with http:// or https://")
        }
        let mailFrom = env["MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "VendorReview <vendorreview@localhost.localdomain>"
        guard Check.isEmail(MailMessage.address(mailFrom)), !mailFrom.contains("\n"), !mailFrom.contains("\r") else {
            throw ConfigurationError(variable: "MAIL_FROM", problem: "must be an address such as VendorReview <review@university.edu>")
        }
        // Printed in the corner of every report page (a CSS string), so quotes and markup are refused.
        let institution = (env["INSTITUTION_NAME"] ?? "").trimmingCharacters(in: .whitespaces)
        if institution.count > 120 || institution.contains(where: { "\"\\<>&".contains($0) }) || Check.hasControlCharacters(institution, multiline: false) {
            throw ConfigurationError(variable: "INSTITUTION_NAME", problem: "must be a plain name of at most 120 characters, without quotes, < > & or \\")
        }
        let canvas: CanvasSettings?, enforce: Bool
        do {
            enforce = try CanvasSettings.enforce(environment: env)
            canvas = try CanvasSettings.from(environment: env)
        } catch let problem as CanvasSettings.Problem {
            throw ConfigurationError(variable: problem.variable, problem: problem.why)
        }
        let smtp = try env["SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }.map { try SMTPSettings.parse($0, caFile: env["SMTP_CA_FILE"]) }
        var config = AppConfig(
            database: database,
            templatesDirectory: directory("TEMPLATES_DIR", default: "templates"),
            shippedTemplatesDirectory: directory("SHIPPED_TEMPLATES_DIR", default: "templates"),
            dataDirectory: directory("DATA_DIR", default: "data"),
            publicURL: publicURL,
            bcryptCost: try integer("BCRYPT_COST", default: 12, range: 4...16),
            sessionIdleTimeout: TimeInterval(try integer("SESSION_IDLE_MINUTES", default: 480, range: 5...10_080) * 60),
            maxBodySize: try integer("MAX_BODY_BYTES", default: 1_048_576, range: 16_384...104_857_600),
            maxDocumentBytes: try integer("MAX_DOCUMENT_BYTES", default: 20 * 1_048_576, range: 1_024...524_288_000),
            outboxDirectory: directory("OUTBOX_DIR", default: "var/outbox"),
            smtp: smtp,
            mailFrom: mailFrom,
            institutionName: institution.isEmpty ? "VendorReview" : institution,
            reminderIntervalMinutes: try integer("REMINDER_INTERVAL_MINUTES", default: 60, range: 0...10_080),
            secretKeyFile: env["SECRET_KEY_FILE"].flatMap { $0.isEmpty ? nil : ($0.hasPrefix("/") ? $0 : root + $0) } ?? root + "var/secret.key",
            secretKeyFileIsConfigured: !(env["SECRET_KEY_FILE"] ?? "").isEmpty)
        config.canvas = canvas
        config.canvasEnforce = enforce
        config.canvasSyncIntervalMinutes = try integer("CANVAS_SYNC_INTERVAL_MINUTES", default: 60, range: 0...10_080)
        config.driftRetentionDays = try integer("DRIFT_RETENTION_DAYS", default: 365, range: 0...36_500)
        config.mailPollSeconds = try integer("MAIL_POLL_SECONDS", default: 5, range: 1...3_600)
        config.templateReload = try EnvironmentSwitch.read(env, "TEMPLATE_RELOAD", default: false,
                                                           problem: "use off (parse each template once) or on (read them at every page)")
        config.publicList = try EnvironmentSwitch.read(env, "PUBLIC_LIST", default: false,
                                                       problem: "use off (no public page) or on (publish the approved tools at /approved-tools)")
        config.signIn = try SignInSettings.from(environment: env, institutionName: config.institutionName, root: root)
        return config
    }
}

/// A variable that is `on` or `off` (any case, spaces around ignored); unset or empty means `fallback`.
enum EnvironmentSwitch {
    static func read(_ env: [String: String], _ name: String, default fallback: Bool, problem: String) throws -> Bool {
        switch env[name]?.trimmingCharacters(in: .whitespaces).lowercased() ?? "" {
        case "": return fallback
        case "on": return true
        case "off": return false
        default: throw ConfigurationError(variable: name, problem: problem)
        }
    }
}
