import Persistence
import Testing

@Suite("DATABASE_URL")
struct DatabaseConfigTests {
    @Test func unsetMeansTheSQLiteFileUnderVar() throws {
        #expect(try DatabaseConfig.from(environment: nil, workingDirectory: "/srv/app") == .sqlite(path: "/srv/app/var/vendor-review.sqlite"))
        #expect(try DatabaseConfig.from(environment: "", workingDirectory: "/srv/app/") == .sqlite(path: "/srv/app/var/vendor-review.sqlite"))
    }

    @Test(arguments: ["postgres://u:p@db.internal:5432/vr", "postgresql://db.internal/vr"])
    func acceptsBothPostgresSchemes(url: String) throws {
        let config = try DatabaseConfig.from(environment: url, workingDirectory: "/")
        #expect(config == .postgres(url: url))
        #expect(config.engineName == "postgresql")
    }

    @Test func acceptsAnAbsoluteSQLitePath() throws {
        #expect(try DatabaseConfig.from(environment: "sqlite:///data/vr.sqlite", workingDirectory: "/") == .sqlite(path: "/data/vr.sqlite"))
    }

    @Test(arguments: ["mysql://db/vr", "sqlite://relative.sqlite", "not a url", "postgres:///nohost"])
    func refusesOthersWithAClearMessage(url: String) {
        #expect(throws: DatabaseConfig.ConfigError.self) { try DatabaseConfig.from(environment: url, workingDirectory: "/") }
    }

    @Test func redactionNeverShowsThePassword() throws {
        let config = try DatabaseConfig.from(environment: "postgres://vr:s3cret-pw@db.internal:5432/vr?sslmode=require", workingDirectory: "/")
        #expect(!config.redacted.contains("s3cret-pw"))
        #expect(config.redacted.contains("db.internal"))
        #expect(config.redacted.contains("vr:***@"))
    }
}
