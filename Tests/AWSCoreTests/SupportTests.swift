import Foundation
import Testing
@testable import AWSCore

@Suite struct SupportTests {
    @Test func randomUUIDsAreVersion4LowercaseAndDistinct() throws {
        let ids = (0..<2000).map { _ in RandomUUID.lowercased() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(200) {
            #expect(id.count == 36)
            #expect(id == id.lowercased())
            let parsed = try #require(UUID(uuidString: id))
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = parsed.uuid
            #expect(bytes.6 >> 4 == 4)  // version 4
            #expect(bytes.8 >> 6 == 0b10)  // RFC 4122 variant
        }
    }

    @Test func iso8601MatchesFoundationsFormatter() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 0.0004, 59.999, 86_399.999, 951_782_400.5, 4_107_542_400, 253_402_300_799.999].map(Date.init(timeIntervalSince1970:))
        dates += (0..<5000).map { _ in Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator)) }
        for date in dates {
            #expect(Timestamp.iso8601(date) == date.formatted(style), "\(date.timeIntervalSince1970)")
        }
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_732_864_000.123_456)) == "2024-11-29T07:06:40.123Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500Z")
    }

    @Test func utcMillisecondsReadWhatIso8601Writes() throws {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0..<4_102_444_800_000, using: &generator)) / 1000)
            let text = Timestamp.iso8601(date)
            let foundation = try style.parse(text)
            #expect(Timestamp.utcMilliseconds(text) == Int64((foundation.timeIntervalSince1970 * 1000).rounded()), "\(text)")
        }
        #expect(Timestamp.utcMilliseconds("2024-02-29T23:59:59Z") == 1_709_251_199_000)
        #expect(Timestamp.utcMilliseconds("1970-01-01T00:00:00.001Z") == 1)
        for other in ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00+09:00",
                      "2024-01-01T00:00:00.1234Z", "2024-01-01 00:00:00Z", "1969-12-31T23:59:59Z", "2024-01-01T00:00:00.12xZ"] {
            #expect(Timestamp.utcMilliseconds(other) == nil, "\(other)")
        }
    }

    @Test func arnParts() {
        let arn = ARN("arn:aws:appsync:ap-northeast-1:123456789012:apis/abc:extra")
        #expect(arn?.partition == "aws")
        #expect(arn?.service == "appsync")
        #expect(arn?.region == "ap-northeast-1")
        #expect(arn?.accountID == "123456789012")
        #expect(arn?.resource == "apis/abc:extra")
        #expect(ARN("arn:aws:s3:::bucket") == ARN(partition: "aws", service: "s3", region: "", accountID: "", resource: "bucket"))
        #expect(ARN("arn:aws:iam::123:") == ARN(partition: "aws", service: "iam", region: "", accountID: "123", resource: ""))
        for bad in ["", "arn", "arn:aws:s3::", "arx:aws:s3:::b", "arn::s3:::b", "arn:aws::::b"] { #expect(ARN(bad) == nil, "\(bad)") }
    }
}
