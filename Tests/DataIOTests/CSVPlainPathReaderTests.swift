import Foundation
import Testing
@testable import DataIO

/// The reader with the AVX2 plain-decimal path (`fk_parse_numeric_lines` on CPUs with AVX2) against
/// the general Swift tokenizer alone, on files whose fields take every shape near the path's limits:
/// the outcome (every value bit for bit, or the error with its line and column) must be the same for
/// any thread count and block size.
@Suite struct CSVPlainPathReaderTests {
    /// A token of one of many number shapes (plain decimals of 1-24 digits with leading zeros, '.'
    /// anywhere, '-0', exponents, '+', 20-digit mantissas) or, rarely, something the path refuses.
    static func token(_ generator: inout SystemRandomNumberGeneratorSeeded, noise: Bool) -> String {
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(generator.next() % 10)) }) }
        switch generator.next() % 12 {
        case 0: return "-0"
        case 1: return String(repeating: "0", count: Int(generator.next() % 6)) + digits(Int(generator.next() % 19) + 1)
        case 2: return "0." + String(repeating: "0", count: Int(generator.next() % 8)) + digits(Int(generator.next() % 20) + 1)
        case 3:
            let count = Int(generator.next() % 24) + 1
            var text = digits(count)
            text.insert(".", at: text.index(text.startIndex, offsetBy: Int(generator.next() % UInt64(count + 1))))
            return (generator.next() & 1 == 0 ? "-" : "") + text
        case 4: return "\(Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF))"  // shortest round trip, any magnitude
        case 5: return "-\(Double(generator.next() >> 11) * 0x1p-53 * 1e-3)"
        case 6: return digits(Int(generator.next() % 3) + 1) + "." + digits(Int(generator.next() % 17) + 1) + "e-" + digits(1)
        case 7: return noise ? ["+1.5", ".", "-", "1.2.3", "NA", "\"2.5\"", " 3", "4 ", "inf", "", "1e400"][Int(generator.next() % 11)] : "7"
        default: return (generator.next() & 1 == 0 ? "-" : "") + digits(Int(generator.next() % 5) + 1) + "." + digits(Int(generator.next() % 17) + 1)
        }
    }

    @Test(arguments: [false, true])
    func shapesNearThePathLimitsReadAsTheGeneralPathReadsThem(_ noise: Bool) throws {
        var generator = SystemRandomNumberGeneratorSeeded(seed: noise ? 31 : 30)
        let scratch = try Scratch()
        for case_ in 0..<4 {
            let width = [1, 3, 8, 33][case_]
            let crlf = case_ == 2
            var text = (0..<width).map { "c\($0)" }.joined(separator: ",") + (crlf ? "\r\n" : "\n")
            for row in 0..<400 {
                // With noise, about one line in 25 carries one token the path refuses.
                let noisy = noise && generator.next() % 25 == 0
                text += (0..<width).map { _ in Self.token(&generator, noise: noisy) }.joined(separator: ",")
                if row < 399 || case_ != 1 { text += crlf ? "\r\n" : "\n" }  // case 1: no final line end
            }
            let path = try scratch.file("plain\(case_)_\(noise).csv", text)
            for types in [[:], ["c0": CSVColumnType.numeric]] {
                let reference = CSVFastPathTests.outcome(path, threads: 1, fastPath: false, maxErrors: 3, columnTypes: types)
                if !noise { #expect(reference.hasPrefix("table"), "\(reference.prefix(300))") }
                for (threads, blockBytes) in [(1, 16 << 20), (2, 16 << 20), (2, 4099), (3, 257)] {
                    let got = CSVFastPathTests.outcome(path, threads: threads, blockBytes: blockBytes, maxErrors: 3, columnTypes: types)
                    #expect(CSVFastPathTests.same(got, reference), "case \(case_), \(threads) threads, \(blockBytes) bytes, \(types): \(got.prefix(200)) vs \(reference.prefix(200))")
                }
            }
        }
    }
}
