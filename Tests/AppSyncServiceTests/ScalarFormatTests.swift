import Testing
@testable import AppSyncService

/// AppSync's date and time scalars: extended ISO 8601, zone required on AWSDateTime only.
@Suite struct ScalarFormatTests {
    @Test(arguments: ["2026-11-29T10:00:00Z", "2026-11-29T10:00:00.123+09:00", "2026-11-29T10:00Z", "2026-11-29T23:59:59.123456789-05:30",
                      "2026-11-29T10:00:00+09:00:00"])
    func validDateTimes(value: String) { #expect(AppSyncScalars.isValid("AWSDateTime", string: value)) }

    @Test(arguments: ["2026-13-01T00:00:00Z", "2026-11-32T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T10:60:00Z", "2026-11-29T10:00:00",
                      "2026-11-29T10:00:00.Z", "2026-11-29T10:00:00.1234567890Z", "2026-11-29 10:00:00Z", "2026-11-29T10:00:00Z\n",
                      "2026-11-29T10:00:00+0900", "26-11-29T10:00:00Z", "", "yesterday", "２０２６-11-29T10:00:00Z"])
    func invalidDateTimes(value: String) { #expect(!AppSyncScalars.isValid("AWSDateTime", string: value)) }

    @Test func datesAndTimes() {
        #expect(AppSyncScalars.isValid("AWSDate", string: "2026-11-29"))
        #expect(AppSyncScalars.isValid("AWSDate", string: "2026-11-29Z"))
        #expect(AppSyncScalars.isValid("AWSDate", string: "2026-11-29+09:00"))
        #expect(!AppSyncScalars.isValid("AWSDate", string: "2026-1-29"))
        #expect(!AppSyncScalars.isValid("AWSDate", string: "2026-11-29T10:00Z"))
        #expect(AppSyncScalars.isValid("AWSTime", string: "10:00"))
        #expect(AppSyncScalars.isValid("AWSTime", string: "10:00:00.5Z"))
        #expect(!AppSyncScalars.isValid("AWSTime", string: "1:00"))
        #expect(!AppSyncScalars.isValid("AWSTime", string: "10:00:"))
    }
}
