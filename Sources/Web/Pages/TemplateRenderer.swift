import Leaf
import LeafKit
import Vapor

/// The app's Leaf renderer. Leaf's own (`.leaf`) switches its cache off whenever Vapor's environment
/// is development — the default of `serve` without `--env production` — so every page re-read and
/// re-parsed its templates from disk (a third of a list page's time). This one keeps the cache as
/// configured (`TEMPLATE_RELOAD`). The cache object is shared (Leaf's renderer switches the same
/// object off), so it is set here, at every renderer made.
enum TemplateRenderer {
    static func make(_ app: Application, reload: Bool) -> LeafRenderer {
        var cache = app.leaf.cache
        cache.isEnabled = !reload
        var userInfo = app.leaf.userInfo
        userInfo["application"] = app
        return LeafRenderer(configuration: app.leaf.configuration, tags: app.leaf.tags, cache: cache, sources: app.leaf.sources,
                            eventLoop: app.eventLoopGroup.next(), userInfo: userInfo)
    }
}
