import Foundation

/// A page of results for list screens and the JSON API.
///
/// Page numbers come from query strings, so nothing here may trap: a page past the end is an empty
/// page, and the offset saturates at `maxOffset` (far past any real table) instead of overflowing.
public struct PageRequest: Equatable, Sendable {
    public static let defaultSize = 25
    public static let maxSize = 100
    /// The largest offset handed to a database; every real list ends long before it.
    public static let maxOffset = Int(Int32.max)
    /// The largest page number the JSON API accepts, as the OpenAPI file says.
    public static let maxPage = Int(Int32.max)

    public let page: Int
    public let size: Int

    /// Lenient, for pages: out-of-range values are brought into range.
    public init(page: Int?, size: Int? = nil) {
        self.page = max(1, page ?? 1)
        self.size = min(Self.maxSize, max(1, size ?? Self.defaultSize))
    }

    /// For the JSON API: a page outside 1…2³¹−1 or a size outside 1…100 is refused, as the OpenAPI file says.
    public static func check(page: Int?, size: Int?, errors: inout ValidationErrors) {
        if let page, !(1...maxPage).contains(page) { errors.add("page", "page must be between 1 and \(maxPage).") }
        if let size, !(1...maxSize).contains(size) { errors.add("per_page", "per_page must be between 1 and \(maxSize).") }
    }

    public var offset: Int {
        let (product, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        return overflow ? Self.maxOffset : min(product, Self.maxOffset)
    }

    /// The half-open range of rows this page covers; never overflows.
    public var rows: Range<Int> { offset..<(offset + size) }
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

    public var pageCount: Int { max(1, total / request.size + (total % request.size == 0 ? 0 : 1)) }
    public var hasPrevious: Bool { request.page > 1 }
    public var hasNext: Bool { request.page < pageCount }
}
