import CanvasAPI
import Foundation
import Logging
import Operations

/// The Canvas this app reads, settable once after start-up (`serve --demo` connects to the demo double it
/// starts). The token stays in memory, inside `CanvasSettings`.
final class CanvasLink: @unchecked Sendable {
    private let lock = NSLock()
    private var settings: CanvasSettings?
    private let logger: Logger

    init(_ settings: CanvasSettings?, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    var current: CanvasSettings? {
        lock.lock()
        defer { lock.unlock() }
        return settings
    }

    func connect(_ settings: CanvasSettings) {
        lock.lock()
        self.settings = settings
        lock.unlock()
    }

    var connector: CanvasConnector {
        CanvasConnector { [self] in
            guard let settings = current else { return nil }
            let logger = self.logger
            return CanvasConnection(address: settings.baseURL.absoluteString, accountID: settings.accountID, enforce: settings.enforce) {
                CanvasClient(settings: settings, logger: logger)
            }
        }
    }
}
