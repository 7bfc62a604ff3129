import CanvasAPI
import CanvasDouble
import Foundation
import Vapor

/// `serve --demo` without a Canvas: starts the Canvas double (this binary, `canvas-double`) on loopback
/// with `data/canvas-double/demo.json` and connects to it, so a newcomer sees a synced Canvas with findings
/// (and, with `CANVAS_ENFORCE=on`, enforcement against it).
enum DemoCanvas {
    static func start(_ app: Application) throws -> DoubleProcess? {
        guard app.context.canvas.current == nil else { return nil }
        let scenarioPath = app.context.config.dataDirectory + "canvas-double/demo.json"
        let scenario = try CanvasScenario.load(scenarioPath)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath().path
        let double = try DoubleProcess(binary: binary, scenario: scenarioPath)
        var settings = CanvasSettings(baseURL: double.url, token: scenario.token)
        settings.delayScale = 0.05
        // CANVAS_ENFORCE=on serve --demo: releases switch keys on in the double, the policy proposes switch-offs.
        settings.enforce = app.context.config.canvasEnforce
        app.context.canvas.connect(settings)
        return double
    }
}
