import Foundation

/// How one sync differs from the one before: "since 2026-12-01 09:00 UTC: 2 keys switched on, 1 scope added".
/// Only parts both syncs read whole are compared, so a gap never reads as a change.
public struct CanvasDifference: Codable, Equatable, Sendable {
    public struct Change: Codable, Equatable, Sendable {
        public let what: String
        public let detail: String
    }

    public let since: Date
    public var keysSwitchedOn: Int = 0
    public var keysSwitchedOff: Int = 0
    public var keysAdded: Int = 0
    public var keysRemoved: Int = 0
    public var scopesAdded: Int = 0
    public var scopesRemoved: Int = 0
    public var toolsAdded: Int = 0
    public var toolsRemoved: Int = 0
    public var tokensAdded: Int = 0
    public var tokensRemoved: Int = 0
    /// One line an object, at most `maxChanges`.
    public var changes: [Change] = []
    public static let maxChanges = 200

    public init(since: Date) { self.since = since }

    public var isEmpty: Bool {
        [keysSwitchedOn, keysSwitchedOff, keysAdded, keysRemoved, scopesAdded, scopesRemoved, toolsAdded, toolsRemoved, tokensAdded, tokensRemoved].allSatisfy { $0 == 0 }
    }

    /// "2 keys switched on, 1 scope added" or "no changes".
    public var summary: String {
        func count(_ n: Int, _ one: String, _ many: String, _ verb: String) -> String? { n == 0 ? nil : "\(n) \(n == 1 ? one : many) \(verb)" }
        let parts = [
            count(keysSwitchedOn, "key", "keys", "switched on"), count(keysSwitchedOff, "key", "keys", "switched off"),
            count(keysAdded, "key", "keys", "added"), count(keysRemoved, "key", "keys", "removed"),
            count(scopesAdded, "scope", "scopes", "added"), count(scopesRemoved, "scope", "scopes", "removed"),
            count(toolsAdded, "tool", "tools", "installed"), count(toolsRemoved, "tool", "tools", "removed"),
            count(tokensAdded, "token", "tokens", "created"), count(tokensRemoved, "token", "tokens", "gone"),
        ].compactMap { $0 }
        return parts.isEmpty ? "no changes" : parts.joined(separator: ", ")
    }

    mutating func note(_ what: String, _ detail: String) {
        if changes.count < Self.maxChanges { changes.append(Change(what: what, detail: detail)) }
    }

    public static func between(_ previous: CanvasSnapshot, _ current: CanvasSnapshot, since: Date) -> CanvasDifference {
        var difference = CanvasDifference(since: since)
        let keysComparable = [CanvasPart.developerKeys, .inheritedKeys].allSatisfy { previous.didRead($0) && current.didRead($0) }
        if keysComparable {
            let before = Dictionary(previous.keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let after = Dictionary(current.keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for key in current.keys {
                guard let old = before[key.id] else {
                    difference.keysAdded += 1
                    difference.note("Key added", "\(key.label), \(key.stateText)")
                    if key.isEffectivelyOn { difference.keysSwitchedOn += 1 }
                    continue
                }
                if key.isEffectivelyOn && !old.isEffectivelyOn {
                    difference.keysSwitchedOn += 1
                    difference.note("Key switched on", key.label)
                } else if !key.isEffectivelyOn && old.isEffectivelyOn {
                    difference.keysSwitchedOff += 1
                    difference.note("Key switched off", "\(key.label), now \(key.stateText)")
                }
                let oldScopes = Set(old.scopes ?? []), newScopes = Set(key.scopes ?? [])
                let added = newScopes.subtracting(oldScopes).sorted(), removed = oldScopes.subtracting(newScopes).sorted()
                difference.scopesAdded += added.count
                difference.scopesRemoved += removed.count
                if !added.isEmpty { difference.note("Scopes added", "\(key.label): \(added.joined(separator: ", "))") }
                if !removed.isEmpty { difference.note("Scopes removed", "\(key.label): \(removed.joined(separator: ", "))") }
            }
            for key in previous.keys where after[key.id] == nil {
                difference.keysRemoved += 1
                difference.note("Key removed", key.label)
            }
        }
        if previous.didRead(.externalTools) && current.didRead(.externalTools) {
            func identity(_ tool: CanvasTool) -> String { "\(tool.context)/\(tool.id)" }
            let before = Set(previous.tools.filter(\.isInstalled).map(identity)), after = Set(current.tools.filter(\.isInstalled).map(identity))
            for tool in current.tools where tool.isInstalled && !before.contains(identity(tool)) {
                difference.toolsAdded += 1
                difference.note("Tool installed", "\(tool.label)\(tool.domain.map { ", \($0)" } ?? "")")
            }
            for tool in previous.tools where tool.isInstalled && !after.contains(identity(tool)) {
                difference.toolsRemoved += 1
                difference.note("Tool removed", tool.label)
            }
        }
        if previous.didRead(.userTokens) && current.didRead(.userTokens) {
            let before = Set(previous.tokens.filter(\.isActive).map(\.id)), after = Set(current.tokens.filter(\.isActive).map(\.id))
            difference.tokensAdded = after.subtracting(before).count
            difference.tokensRemoved = before.subtracting(after).count
        }
        return difference
    }
}
