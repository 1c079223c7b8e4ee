import Testing
@testable import AppSyncService
