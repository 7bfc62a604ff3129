import Vapor

struct ListQuery: Content {
    var q: String?
    var standing: String?
    var sort: String?
    var page: Int?
    var per_page: Int?
}
