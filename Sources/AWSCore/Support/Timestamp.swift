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
    /// Written by hand (Foundation's formatter costs microseconds, and AppSync's logs and Mesh v2's
    /// resolvers stamp every request); the same text as `Date.ISO8601FormatStyle` from 1970 on.
    public static func iso8601(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        guard seconds >= 0, seconds < 253_402_300_800 else {  // before 1970 or after 9999: Foundation's calendar
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        }
        // Milliseconds from the fraction of the second, truncated, as Foundation does.
        let (days, secondOfDay) = Int(seconds).quotientAndRemainder(dividingBy: 86_400)
        let msOfDay = secondOfDay * 1000 + min(999, Int(((interval - seconds) * 1000).rounded(.down)))
        // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let fields = [(year, 4), (month, 2), (day, 2), (msOfDay / 3_600_000, 2), (msOfDay / 60_000 % 60, 2),
                      (msOfDay / 1000 % 60, 2), (msOfDay % 1000, 3)]
        return String(unsafeUninitializedCapacity: 24) { text in
            var count = 0
            for (index, (value, width)) in fields.enumerated() {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    text[count] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    count += 1
                    divisor /= 10
                }
                text[count] = isoSeparators[index]
                count += 1
            }
            return count
        }
    }

    private static let isoSeparators = Array("--T::.Z".utf8)

    /// `20261129T070606Z`, the SigV4 `X-Amz-Date` form.
    public static func parseAmzDate(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted, timeZone: .gmt)
            .parse(text)
    }
}
