import Foundation

/// A page of results for list screens and the JSON API.
public struct PageRequest: Equatable, Sendable {
    public static let defaultSize = 25
    public static let maxSize = 100

    public let page: Int
    public let size: Int

    public init(page: Int?, size: Int? = nil) {
        self.page = max(1, page ?? 1)
        self.size = min(Self.maxSize, max(1, size ?? Self.defaultSize))
    }

    public var offset: Int { (page - 1) * size }
}

public struct ResultPage<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int
    public let request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    public var pageCount: Int { max(1, (total + request.size - 1) / request.size) }
    public var hasPrevious: Bool { request.page > 1 }
    public var hasNext: Bool { request.page < pageCount }
}
