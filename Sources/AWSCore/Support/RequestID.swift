import Foundation

/// Request ids in the form AWS services print them (a lowercase UUID).
public enum RequestID {
    public static func make() -> String { UUID().uuidString.lowercased() }
}
