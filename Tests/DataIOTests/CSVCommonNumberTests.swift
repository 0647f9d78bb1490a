import CFastFloat
import Foundation
import Testing

/// The reader's fused number parser (`fk_parse_common_prefix`, used by `fk_parse_numeric_lines`)
/// against fast_float (`fk_parse_double_prefix`): wherever it accepts a token, the value must be
/// bit-identical and the length the same (tolerance: none, correct rounding is exact); anything it
/// refuses goes to fast_float, so refusing is always allowed.
@Suite struct CSVCommonNumberTests {
    /// (accepted, value bits, length) of the fused parser, and (status, value bits, length) of fast_float.
    static func both(_ text: String) -> (common: (Bool, UInt64, Int), reference: (Int32, UInt64, Int)) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            let first = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)  // invariant: tests pass non-empty text
            let last = first + buffer.count
            var a = 0.0, b = 0.0
            var status: Int32 = 0
            let usedA = fk_parse_common_prefix(first, last, &a)
            let usedB = fk_parse_double_prefix(first, last, &b, &status)
            return ((usedA > 0, a.bitPattern, usedA), (status, b.bitPattern, usedB))
        }
    }

    static func agrees(_ text: String) -> Bool {
        let (common, reference) = both(text)
        guard common.0 else { return true }
        return reference.0 == Int32(FK_PARSE_OK) && common.1 == reference.1 && common.2 == reference.2
    }

    static let hardCases = [
        "9007199254740993", "9007199254740992", "9007199254740991", "-9007199254740993", "18014398509481985",
        "1e22", "1e23", "-1e23", "1e-22", "1e-23", "9999999999999999999", "1234567890123456789",
        "12345678901234567890", "0.1", "0.2", "0.3", "0.30000000000000004", "1.0000000000000002",
        "0.99999999999999989", "-0.0", "-0", "0", "0.0", "0e400", "-0e-400",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "5e-324", "1e-324",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309", "-1e400",
        "7.2057594037927933e16", "9007199254740993e-22", "9007199254740993e22", "900719925474099.35",
        "90071992547409935e-1", "0.0000000000000000001", "00000000000000000001", "0.00010989574138705982",
        "-0.000000000000000000000012345678901234567", "0.1000000000000000055511151231257827021181583404541015625",
        "1.", "-.5", ".5", ".", "-", "-.", "1e", "1e+", "1e-", "1e-5", "1E5", "1e0005", "1e99999999999",
        "1e-99999999999", "+1", "inf", "-inf", "nan", "1.5.3", "1e5e5", "89255.0e-22", "4.35679E-10",
        "3.141592653589793", "123.456e-3", "1e-00000", "-2e+0", "28.0", "-25055.650531069656",
    ]

    @Test(arguments: hardCases)
    func hardCaseMatchesFastFloat(_ text: String) {
        let (common, reference) = Self.both(text)
        #expect(Self.agrees(text), "\(text): fused \(common), fast_float \(reference)")
    }

    @Test func commonShapesAreAccepted() {
        // The shapes the writer produces must take the fused path (else it would not be faster).
        for text in ["-0.00010989574138705982", "28.0", "-25055.650531069656", "1e-05", "-1.5E+10", "7", "0.5"] {
            #expect(Self.both(text).common.0, "\(text) was refused")
        }
        for text in ["+1", "inf", "nan", "1e", ".", "12345678901234567890", "1e400"] {
            #expect(!Self.both(text).common.0, "\(text) was accepted")
        }
    }

    /// Seeded differential test over ~1e5 values: random bit patterns printed with 1-17 significant
    /// digits, values near powers of ten, halfway integers above 2^53, and random digit strings
    /// (up to 20 digits, any dot position, exponents in -350...350).
    @Test func randomTokensMatchFastFloat() {
        var generator = SplitMix(seed: 20261127)
        var checked = 0
        var accepted = 0
        var failures: [String] = []
        func check(_ text: String) {
            checked += 1
            if Self.both(text).common.0 { accepted += 1 }
            if !Self.agrees(text), failures.count < 10 { failures.append(text) }
        }
        for _ in 0..<25_000 {
            let bits = generator.next()
            let d = Double(bitPattern: bits)
            let digits = Int(generator.next() % 17) + 1
            if d.isFinite {
                check(String(format: "%.\(digits)g", d))
                check("\(d)")  // shortest round trip, as the writer writes
            }
            let u = Double(generator.next() >> 11) * 0x1p-53 * pow(10, Double(Int(generator.next() % 40) - 20))
            check(String(format: "%.\(digits)g", u))
            let halfway = (UInt64(1) << 53) + generator.next() % (UInt64(1) << 53)
            check(String(halfway | 1))
            var text = generator.next() & 1 == 0 ? "-" : ""
            let count = Int(generator.next() % 20) + 1
            let dot = Int(generator.next() % UInt64(count + 1))
            for k in 0..<count {
                if k == dot { text += "." }
                text += String(generator.next() % 10)
            }
            if generator.next() % 3 == 0 { text += "e\(Int(generator.next() % 701) - 350)" }
            check(text)
        }
        #expect(checked >= 100_000)
        #expect(accepted > checked / 2)
        #expect(failures.isEmpty, "mismatches: \(failures)")
    }
}

/// SplitMix64: a small seeded generator for the differential test.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
