import Foundation

/// The timestamp formats AWS protocols use.
public enum Timestamp {
    /// Epoch seconds with millisecond precision, as awsJson/restJson write timestamps (`1732864000.123`).
    public static func epochSeconds(_ date: Date) -> String {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        let whole = Int64(millis / 1000)
        let fraction = Int64(millis) - whole * 1000
        return fraction == 0 ? String(whole) : String(format: "%lld.%03lld", whole, fraction)
    }

    /// ISO 8601 with milliseconds in UTC (`2026-11-29T07:06:06.123Z`), as query XML writes timestamps.
    public static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// `20261129T070606Z`, the SigV4 `X-Amz-Date` form.
    public static func parseAmzDate(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted, timeZone: .gmt)
            .parse(text)
    }
}
