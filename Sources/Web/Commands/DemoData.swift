import Domain
import Foundation
import Persistence
import Vapor

/// A small, realistic demo institution. Loading twice changes nothing.
enum DemoData {
    static let password = "northfield-demo-2026"
    static let institution = "Northfield State University"

    static let accounts: [(email: String, name: String, role: Role)] = [
        ("admin@northfield.example", "Ana Admin", .admin),
        ("reviewer@northfield.example", "Rafael Reviewer", .reviewer),
        ("procurement@northfield.example", "Priya Procurement", .procurement),
        ("auditor@northfield.example", "Audrey Auditor", .auditor),
    ]

    static let vendors: [VendorFields] = [
        VendorFields(name: "Quillstone Learning", website: "https://quillstone.example", securityContactEmail: "security@quillstone.example",
                     standing: .goodStanding, notes: "Adaptive reading tool; LTI 1.3 in course navigation. DPA signed 2025."),
        VendorFields(name: "Brightpath Proctoring", website: "https://brightpath.example", securityContactEmail: "psirt@brightpath.example",
                     standing: .onNotice, notes: "Notice sent: called enrollment endpoints outside its declared scope."),
        VendorFields(name: "Ledgerline Attendance", website: "https://ledgerline.example", securityContactEmail: "security@ledgerline.example",
                     standing: .prospective, notes: "Wants an API developer key to sync attendance into gradebook columns."),
        VendorFields(name: "Cobalt Plagiarism Check", website: "https://cobalt.example", securityContactEmail: "trust@cobalt.example",
                     standing: .goodStanding, notes: nil),
        VendorFields(name: "Meridian Analytics", website: "https://meridian.example", securityContactEmail: nil,
                     standing: .suspended, notes: "Suspended pending review of AI data use (student submissions sent to a model provider)."),
        VendorFields(name: "Harbor Library Reserves", website: "https://harbor.example", securityContactEmail: "security@harbor.example",
                     standing: .terminated, notes: "Contract ended 2026-06-30; keys turned off."),
    ]

    struct Summary {
        let created: Bool

        func describe(url: String) -> String {
            var lines = [
                "",
                "VendorReview demo — \(DemoData.institution)" + (created ? " (demo data loaded)" : " (demo data already present)"),
                "Open \(url) and sign in with any of these (password: \(DemoData.password)):",
            ]
            for account in DemoData.accounts {
                lines.append("  \(account.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(account.email)")
            }
            lines.append("")
            return lines.joined(separator: "\n")
        }
    }

    static func load(_ app: Application) async throws -> Summary {
        let store = app.store
        let services = app.context.services
        if try await store.users.find(email: accounts[0].email) != nil { return Summary(created: false) }
        let hash = try await app.context.hasher.hash(password)
        let actor = Actor(userID: nil, label: "demo loader")
        for account in accounts {
            let user = NewUser(email: account.email, name: account.name, role: account.role)
            _ = try await store.users.create(user, id: services.ids(), passwordHash: hash, by: actor, at: services.now())
        }
        for fields in vendors where try await store.vendors.list(VendorQuery(search: fields.name)).total == 0 {
            _ = try await store.vendors.create(fields, id: services.ids(), by: actor, at: services.now())
        }
        return Summary(created: true)
    }
}
