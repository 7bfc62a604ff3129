import Domain
import Foundation
import Operations
import Persistence
import Vapor

enum Commands {
    static func register(_ app: Application) {
        if let vaporServe = app.asyncCommands.commands["serve"] {
            app.asyncCommands.use(ServeCommand(vaporServe: vaporServe), as: "serve", isDefault: true)
        }
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(UserCommands(), as: "user")
        app.asyncCommands.use(TokenCommands(), as: "token")
        app.asyncCommands.use(AuditCommands(), as: "audit")
        app.asyncCommands.use(EndpointsCommands(), as: "endpoints")
        app.asyncCommands.use(CatalogCommands(), as: "catalog")
        app.asyncCommands.use(ReminderCommands(), as: "reminders")
        app.asyncCommands.use(ExportCommands(), as: "export")
        app.asyncCommands.use(LTICommands(), as: "lti")
        app.asyncCommands.use(DriftCommand(), as: "drift")
        app.asyncCommands.use(CanvasCommands(), as: "canvas")
    }
}
