import Foundation

/// Paging over lists computed afresh on every call: a token is the base64 of the next offset
/// (both APIs' tokens must be base64-like text).
enum PageToken {
    static func encode(_ offset: Int) -> String { Data("offset:\(offset)".utf8).base64EncodedString() }

    /// The offset a token stands for; nil when the token is not one this sandbox issued.
    static func decode(_ token: String) -> Int? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("offset:"), let offset = Int(text.dropFirst("offset:".count)), offset >= 0 else { return nil }
        return offset
    }

    /// One page of `items` from `token` (nil or empty: the start); `invalid` is thrown for a foreign token.
    static func page<T>(_ items: [T], from token: String?, size: Int, invalid: @autoclosure () -> any Error) throws
        -> (items: ArraySlice<T>, next: String?)
    {
        var start = 0
        if let token, !token.isEmpty {
            guard let offset = decode(token), offset <= items.count else { throw invalid() }
            start = offset
        }
        let end = min(start + size, items.count)
        return (items[start..<end], end < items.count ? encode(end) : nil)
    }
}
