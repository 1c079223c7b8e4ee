/// A DynamoDB number: an exact decimal of up to 38 significant digits with magnitude between
/// 1E-130 and 9.99…E+125 (or zero). Never a `Double`.
///
/// Stored as sign, significant digits (no leading or trailing zeros) and `exponent` such that
/// value = ±0.d₁d₂…dₙ × 10^exponent. Zero has no digits.
public struct DynamoNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    public internal(set) var negative: Bool
    public internal(set) var digits: [UInt8]
    public internal(set) var exponent: Int

    public static let maxDigits = 38
    /// Largest allowed scientific exponent (value < 10^126).
    public static let maxScientificExponent = 125
    /// Smallest allowed scientific exponent (value ≥ 10^-130).
    public static let minScientificExponent = -130

    public static let zero = DynamoNumber(negative: false, digits: [], exponent: 0)

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
    }

    public var isZero: Bool { digits.isEmpty }
    /// The exponent in d.ddd × 10^e form.
    var scientificExponent: Int { exponent - 1 }

    public enum ParseError: Error, Equatable {
        case notANumber
        case overflow
        case underflow
        case tooManyDigits
    }

    /// Parses DynamoDB's number text (`12`, `-1.50`, `1e3`, `.5`) and checks the range and digit limits.
    public init(parsing text: String) throws(ParseError) {
        var n = try DynamoNumber.parseUnchecked(text)
        n.normalize()
        try n.checkLimits()
        self = n
    }

    public init(_ value: Int) {
        // Integers always parse.
        self = try! DynamoNumber(parsing: String(value))
    }

    /// The AWS error message for a parse failure of `text`.
    static func message(for error: ParseError, text: String) -> String {
        switch error {
        case .notANumber: text.isEmpty ? "The parameter cannot be converted to a numeric value" : "The parameter cannot be converted to a numeric value: \(text)"
        case .overflow: "Number overflow. Attempting to store a number with magnitude larger than supported range"
        case .underflow: "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        case .tooManyDigits: "Attempting to store more than 38 significant digits in a Number"
        }
    }

    func checkLimits() throws(ParseError) {
        guard !isZero else { return }
        if scientificExponent > Self.maxScientificExponent { throw .overflow }
        if scientificExponent < Self.minScientificExponent { throw .underflow }
        if digits.count > Self.maxDigits { throw .tooManyDigits }
    }

    private static func parseUnchecked(_ text: String) throws(ParseError) -> DynamoNumber {
        var utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count <= 4096 else { throw .notANumber }
        var i = 0
        var negative = false
        if utf8[0] == UInt8(ascii: "-") || utf8[0] == UInt8(ascii: "+") {
            negative = utf8[0] == UInt8(ascii: "-")
            i = 1
        }
        var digits: [UInt8] = []
        var pointPosition: Int?  // number of integer digits seen before '.'
        var sawDigit = false
        while i < utf8.count {
            let c = utf8[i]
            if c >= 48 && c <= 57 {
                digits.append(c - 48)
                sawDigit = true
            } else if c == UInt8(ascii: ".") {
                if pointPosition != nil { throw .notANumber }
                pointPosition = digits.count
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { throw .notANumber }
        var exp = 0
        if i < utf8.count {
            guard utf8[i] == UInt8(ascii: "e") || utf8[i] == UInt8(ascii: "E") else { throw .notANumber }
            i += 1
            var expNegative = false
            if i < utf8.count, utf8[i] == UInt8(ascii: "-") || utf8[i] == UInt8(ascii: "+") {
                expNegative = utf8[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExpDigit = false
            while i < utf8.count {
                let c = utf8[i]
                guard c >= 48 && c <= 57 else { throw .notANumber }
                if exp < 100_000 { exp = exp * 10 + Int(c - 48) }
                sawExpDigit = true
                i += 1
            }
            guard sawExpDigit else { throw .notANumber }
            if expNegative { exp = -exp }
        }
        utf8.removeAll()
        let integerDigits = pointPosition ?? digits.count
        return DynamoNumber(negative: negative, digits: digits, exponent: integerDigits + exp)
    }

    /// Strips leading and trailing zeros; zero becomes canonical (+, no digits).
    mutating func normalize() {
        var start = 0
        while start < digits.count, digits[start] == 0 { start += 1 }
        var end = digits.count
        while end > start, digits[end - 1] == 0 { end -= 1 }
        if start == end {
            self = .zero
            return
        }
        if start > 0 || end < digits.count { digits = Array(digits[start..<end]) }
        exponent -= start
    }

    /// DynamoDB's canonical text: no exponent, no leading/trailing zeros (`1.50` → `1.5`, `-0` → `0`).
    public var description: String {
        if isZero { return "0" }
        var out = ""
        out.reserveCapacity(digits.count + 4)
        if negative { out.append("-") }
        let n = digits.count
        func d(_ x: UInt8) -> Character { Character(Unicode.Scalar(x + 48)) }
        if exponent <= 0 {
            out.append("0.")
            for _ in 0..<(-exponent) { out.append("0") }
            for x in digits { out.append(d(x)) }
        } else if exponent >= n {
            for x in digits { out.append(d(x)) }
            for _ in 0..<(exponent - n) { out.append("0") }
        } else {
            for x in digits[..<exponent] { out.append(d(x)) }
            out.append(".")
            for x in digits[exponent...] { out.append(d(x)) }
        }
        return out
    }

    // MARK: Ordering

    public static func < (lhs: DynamoNumber, rhs: DynamoNumber) -> Bool { compare(lhs, rhs) < 0 }

    static func compareMagnitude(_ a: DynamoNumber, _ b: DynamoNumber) -> Int {
        if a.isZero || b.isZero { return (a.isZero ? 0 : 1) - (b.isZero ? 0 : 1) }
        if a.exponent != b.exponent { return a.exponent < b.exponent ? -1 : 1 }
        let n = min(a.digits.count, b.digits.count)
        for i in 0..<n where a.digits[i] != b.digits[i] { return a.digits[i] < b.digits[i] ? -1 : 1 }
        return a.digits.count == b.digits.count ? 0 : (a.digits.count < b.digits.count ? -1 : 1)
    }

    public static func compare(_ a: DynamoNumber, _ b: DynamoNumber) -> Int {
        let signA = a.isZero ? 0 : (a.negative ? -1 : 1)
        let signB = b.isZero ? 0 : (b.negative ? -1 : 1)
        if signA != signB { return signA < signB ? -1 : 1 }
        if signA == 0 { return 0 }
        let m = compareMagnitude(a, b)
        return signA > 0 ? m : -m
    }

    // MARK: Arithmetic

    public static func + (lhs: DynamoNumber, rhs: DynamoNumber) -> DynamoNumber { add(lhs, rhs) }
    public static func - (lhs: DynamoNumber, rhs: DynamoNumber) -> DynamoNumber { add(lhs, rhs.negated()) }

    public func negated() -> DynamoNumber {
        isZero ? self : DynamoNumber(negative: !negative, digits: digits, exponent: exponent)
    }

    /// Exact sum (the caller checks limits of the result).
    static func add(_ a: DynamoNumber, _ b: DynamoNumber) -> DynamoNumber {
        if a.isZero { return b }
        if b.isZero { return a }
        // value = D × 10^(exponent - count): align both coefficients to the smaller scale.
        let scaleA = a.exponent - a.digits.count, scaleB = b.exponent - b.digits.count
        let scale = min(scaleA, scaleB)
        let coefA = a.digits + [UInt8](repeating: 0, count: scaleA - scale)
        let coefB = b.digits + [UInt8](repeating: 0, count: scaleB - scale)
        var result: DynamoNumber
        if a.negative == b.negative {
            let sum = addMagnitudes(coefA, coefB)
            result = DynamoNumber(negative: a.negative, digits: sum, exponent: sum.count + scale)
        } else {
            let cmp = compareCoefficients(coefA, coefB)
            if cmp == 0 { return .zero }
            let (big, small, neg) = cmp > 0 ? (coefA, coefB, a.negative) : (coefB, coefA, b.negative)
            let diff = subtractMagnitudes(big, small)
            result = DynamoNumber(negative: neg, digits: diff, exponent: diff.count + scale)
        }
        result.normalize()
        return result
    }

    private static func compareCoefficients(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        while i < a.count, a[i] == 0 { i += 1 }
        while j < b.count, b[j] == 0 { j += 1 }
        if a.count - i != b.count - j { return a.count - i < b.count - j ? -1 : 1 }
        while i < a.count {
            if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
            i += 1
            j += 1
        }
        return 0
    }

    private static func addMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: max(a.count, b.count) + 1)
        var i = a.count - 1, j = b.count - 1, k = result.count - 1
        var carry: UInt8 = 0
        while k >= 0 {
            var s = carry
            if i >= 0 { s += a[i] }
            if j >= 0 { s += b[j] }
            result[k] = s % 10
            carry = s / 10
            i -= 1
            j -= 1
            k -= 1
        }
        return result
    }

    /// a - b with a ≥ b.
    private static func subtractMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = a
        var i = a.count - 1, j = b.count - 1
        var borrow: Int = 0
        while i >= 0 {
            var d = Int(a[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
            if d < 0 {
                d += 10
                borrow = 1
            } else {
                borrow = 0
            }
            result[i] = UInt8(d)
            i -= 1
            j -= 1
        }
        return result
    }

    // MARK: Order-preserving binary key encoding

    /// Bytes whose memcmp order equals numeric order (for key columns).
    var orderedKeyBytes: [UInt8] {
        if isZero { return [0x01] }
        let e = UInt8(clamping: scientificExponent + 130)
        if !negative {
            return [0x02, e] + digits
        }
        var out: [UInt8] = [0x00, 255 - e]
        out.reserveCapacity(digits.count + 3)
        for d in digits { out.append(9 - d) }
        out.append(0xFF)
        return out
    }
}
