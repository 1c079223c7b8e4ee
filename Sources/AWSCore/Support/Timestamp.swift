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
    private static let monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// Milliseconds since the epoch of `yyyy-MM-ddTHH:mm:ssZ` or `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC, the
    /// form ``iso8601(_:)`` writes), read by hand; nil for any other form (parse those with Foundation).
    public static func utcMilliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            guard bytes.count == 20 || bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                  bytes[bytes.count - 1] == UInt8(ascii: "Z") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for i in range {
                    let digit = Int(bytes[i]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
                  let minute = number(14..<16), let second = number(17..<19), year >= 1970, (1...12).contains(month),
                  hour < 24, minute < 60, second < 60 else { return nil }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            guard day >= 1, day <= (month == 2 && leap ? 29 : monthDays[month - 1]) else { return nil }
            var millis = 0
            if bytes.count == 24 {
                guard bytes[19] == UInt8(ascii: "."), let fraction = number(20..<23) else { return nil }
                millis = fraction
            }
            // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
            let y = year - (month <= 2 ? 1 : 0)
            let era = y / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            return Int64(((days * 24 + hour) * 60 + minute) * 60 + second) * 1000 + Int64(millis)
        }
    }

    /// `20261129T070606Z`, the SigV4 `X-Amz-Date` form.
    public static func parseAmzDate(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted, timeZone: .gmt)
            .parse(text)
    }
}
