/// A restJson path template (`/v1/apis/{apiId}/apikeys/{id}`, `/v1/tags/{resourceArn+}`).
public struct PathTemplate: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case label(String)
        case greedy(String)
    }

    let segments: [Segment]
    public let text: String

    public init(_ text: String) {
        self.text = text
        segments = text.split(separator: "/").map { part in
            if part.hasPrefix("{"), part.hasSuffix("+}") { return .greedy(String(part.dropFirst().dropLast(2))) }
            if part.hasPrefix("{"), part.hasSuffix("}") { return .label(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
    }

    /// The label values when `rawPath` (percent-encoded) matches, else nil. Labels are decoded.
    public func match(_ rawPath: String) -> [String: String]? {
        let parts = rawPath.split(separator: "/", omittingEmptySubsequences: true)
        var labels: [String: String] = [:]
        var i = 0
        for (n, segment) in segments.enumerated() {
            switch segment {
            case .literal(let l):
                guard i < parts.count, parts[i] == l else { return nil }
                i += 1
            case .label(let name):
                guard i < parts.count, let v = PercentEncoding.decode(String(parts[i])) else { return nil }
                labels[name] = v
                i += 1
            case .greedy(let name):
                guard n == segments.count - 1, i < parts.count,
                      let v = PercentEncoding.decode(parts[i...].joined(separator: "/")) else { return nil }
                labels[name] = v
                i = parts.count
            }
        }
        return i == parts.count ? labels : nil
    }

    /// How specific the template is: literals beat labels, so `/v1/apis/{id}/types` wins over greedy matches.
    var specificity: Int {
        segments.reduce(0) { acc, s in
            switch s {
            case .literal: acc + 100
            case .label: acc + 10
            case .greedy: acc + 1
            }
        }
    }
}
