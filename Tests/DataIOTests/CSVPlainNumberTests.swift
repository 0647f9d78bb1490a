import CFastFloat
import Foundation
import Testing

/// The reader's AVX2 plain-decimal field parser (`fk_parse_plain_field`, the first try of
/// `fk_parse_numeric_lines` on CPUs with AVX2) against fast_float (`fk_parse_double_prefix`) and the
/// C library's `strtod`: wherever it accepts a field, fast_float must read the whole field as a
/// number with the bit-identical value (tolerance: none, correct rounding is exact); refusing is
/// always allowed (the reader then uses the fused parser or fast_float). Each token sits in a
/// buffer after random bytes (digits, '.', ',', '-', 'e', line ends), since the parser reads the
/// 33 bytes before the field's end: nothing outside the field may change the result. The field
/// ends, as in the reader, at the first ',', '\n' or '\r' at or after its start.
@Suite struct CSVPlainNumberTests {
    /// (accepted length or 0, bits) of the plain parser; (status, bits, length) of fast_float; strtod's bits.
    static func both(_ text: String, terminator: String, generator: inout SystemRandomNumberGeneratorSeeded)
        -> (plain: (Int, UInt64), reference: (Int32, UInt64, Int), strtod: UInt64) {
        let noise = Array("0123456789.,-e\n\r".utf8)
        var bytes: [UInt8] = (0..<40).map { _ in noise[Int(generator.next() % UInt64(noise.count))] }
        let at = bytes.count
        bytes += Array(text.utf8) + Array(terminator.utf8)
        bytes += (0..<40).map { _ in noise[Int(generator.next() % UInt64(noise.count))] }
        return bytes.withUnsafeBufferPointer { buffer in
            let first = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)  // invariant: 80+ bytes
            let last = first + buffer.count
            var a = 0.0, b = 0.0
            var status: Int32 = 0
            var end = at
            while end < buffer.count, buffer[end] != 44, buffer[end] != 10, buffer[end] != 13 { end += 1 }
            let usedA = end < buffer.count && fk_parse_plain_field(first, first + at, first + end, last, &a) == 1 ? end - at : 0
            let usedB = fk_parse_double_prefix(first + at, last, &b, &status)
            let number = String(decoding: buffer[at..<(at + usedB)], as: UTF8.self)
            let c = strtod(number, nil)
            return ((usedA, a.bitPattern), (status, b.bitPattern, usedB), c.bitPattern)
        }
    }

    static let terminators = [",", "\n", "\r\n", ",", "\n", ",", "x", "e5", "E-3", "", ".", "\"", " ", "+", "-", "e", ";"]

    /// Whether the plain parser accepted `text` (before a random terminator), and a description of
    /// the mismatch when it accepted and disagrees.
    static func compare(_ text: String, generator: inout SystemRandomNumberGeneratorSeeded) -> (accepted: Bool, mismatch: String?) {
        let terminator = terminators[Int(generator.next() % UInt64(terminators.count))]
        let (plain, reference, strtodBits) = both(text, terminator: terminator, generator: &generator)
        guard plain.0 > 0 else { return (false, nil) }
        if reference.0 == Int32(FK_PARSE_OK), plain.0 == reference.2, plain.1 == reference.1, plain.1 == strtodBits { return (true, nil) }
        return (true, "\(text)|\(terminator): plain \(plain), fast_float \(reference), strtod \(strtodBits)")
    }

    static let hardCases = CSVCommonNumberTests.hardCases + [
        "9999999999999999999.", "999999999999999999.9", "0.9999999999999999999", "0.99999999999999999999",
        "1000000000000000000", "10000000000000000000", "0000000000000000000000000000001",
        "00000000000000000000000000000001", "0.000000000000000000000000000001", "0.0000000000000000000000000000001",
        "1.7976931348623157", "4.9406564584124654", "9007199254740993.0", "-9007199254740993.0",
        "12345678901234567.8", "1234567890123456789.0", "0.12345678901234567890", "1..2", "--1", "-+1", "1-2",
        "0.30000000000000004", "-0.00000000000000000000000000000", "123456789012345678901234567890.5",
    ]

    @Test func hardCasesMatchFastFloatAndStrtod() {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 7)
        var failures: [String] = []
        for text in Self.hardCases {
            for sign in ["", "-"] {
                for _ in 0..<20 {  // different neighbours and terminators
                    if let failure = Self.compare(sign + text, generator: &generator).mismatch { failures.append(failure) }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// (Fields that end at a delimiter or line end; only on CPUs where the reader uses the path.)
    @Test(.enabled(if: fk_plain_path_available() == 1)) func writerShapesAreAccepted() {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 11)
        // The shapes the writer produces for the benchmark file must take the plain path.
        for text in ["-0.00010989574138705982", "28.0", "-25055.650531069656", "7", "0.5", "-0", "1.", ".5"] {
            #expect(Self.both(text, terminator: ",", generator: &generator).plain.0 == text.utf8.count, "\(text) was refused")
        }
        for text in ["+1", "inf", "nan", "1e5", "-1.5E+10", ".", "-", "12345678901234567890", "0.12345678901234567890"] {
            #expect(Self.both(text, terminator: ",", generator: &generator).plain.0 == 0, "\(text) was accepted")
        }
    }

    /// Seeded differential test over ~1e5 tokens (the C harness of the change ran ~2.4e7): random doubles printed with 1-17 significant
    /// digits (%g and %f), the shortest round trip, halfway integers above 2^53, 17-digit decimals
    /// ending in 5 with the '.' anywhere, and random digit strings (up to 24 digits, leading zeros).
    @Test func randomTokensMatchFastFloatAndStrtod() {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 20261127)
        var checked = 0
        var accepted = 0
        var failures: [String] = []
        func check(_ text: String) {
            checked += 1
            let result = Self.compare(text, generator: &generator)
            if result.accepted { accepted += 1 }
            if let failure = result.mismatch, failures.count < 10 { failures.append(failure) }
        }
        for _ in 0..<12_500 {
            let d = Double(bitPattern: generator.next())
            let digits = Int(generator.next() % 17) + 1
            if d.isFinite {
                check(String(format: "%.\(digits)g", d))
                check("\(d)")
            }
            let u = Double(generator.next() >> 11) * 0x1p-53 * pow(10, Double(Int(generator.next() % 40) - 20))
            check(String(format: "%.\(digits)g", u))
            check(String(format: "%.\(Int(generator.next() % 25))f", u))
            check(String(format: "%.\(Int(generator.next() % 25))f", -u * 1e5))
            check(String(((UInt64(1) << 53) + generator.next() % (UInt64(1) << 53)) | 1))
            var text = generator.next() & 1 == 0 ? "-" : ""
            let count = Int(generator.next() % 24) + 1
            let dot = Int(generator.next() % UInt64(count + 2))
            let zeros = generator.next() % 4 == 0 ? Int(generator.next() % 12) : 0
            for k in 0..<count {
                if k == dot { text += "." }
                text += k < zeros ? "0" : String(generator.next() % 10)
            }
            check(text)
            var halfway = String(generator.next() % 9_000_000_000_000_000 + 1_000_000_000_000_000) + "5"
            halfway.insert(".", at: halfway.index(halfway.startIndex, offsetBy: Int(generator.next() % UInt64(halfway.count + 1))))
            check(halfway)
        }
        #expect(checked >= 85_000)
        if fk_plain_path_available() == 1 { #expect(accepted > checked / 8) }  // not vacuous: ~22% of the tokens here are accepted
        #expect(failures.isEmpty, "mismatches: \(failures)")
    }
}
