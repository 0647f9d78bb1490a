import Testing
@testable import LinearAlgebra

@Suite("StreamBuffer kernels (sum, fill, copy, scale) against naive loops, including odd starts and tails")
struct StreamBufferKernelTests {
    static let count = 150
    /// Starts around the 32-element (4 x SIMD8) main loop, and lengths below, at and past one and
    /// several main-loop steps, so the scalar tail runs with every remainder class that matters.
    static let starts = [0, 1, 3, 7, 33]
    static let lengths = [0, 1, 7, 31, 32, 33, 63, 65, 100]

    /// A buffer holding x_i = (i + 1) * 0.37 - 20 (distinct values, both signs).
    func pattern() throws -> (StreamBuffer, [Double]) {
        let values = (0..<Self.count).map { Double($0 + 1) * 0.37 - 20 }
        let buffer = try StreamBuffer(count: Self.count)
        for (i, v) in values.enumerated() { try buffer.fill(v, i..<(i + 1)) }
        return (buffer, values)
    }

    @Test("sum of a range", arguments: starts, lengths)
    func sum(start: Int, length: Int) throws {
        let (buffer, values) = try pattern()
        let range = start..<(start + length)
        let expected = values[range].reduce(0, +)
        let magnitude = values[range].reduce(0) { $0 + abs($1) }
        // A reordered sum of `length` doubles: |error| <= (length - 1) eps sum |x_i| (Higham), with margin 2.
        #expect(abs(try buffer.sum(range) - expected) <= 2 * Double(Swift.max(length, 1)) * Double.ulpOfOne * magnitude,
                "range \(range)")
        // Integers sum exactly in any order: no tolerance needed.
        let integers = try StreamBuffer(count: Self.count)
        for i in 0..<Self.count { try integers.fill(Double(i), i..<(i + 1)) }
        #expect(try integers.sum(range) == Double(range.reduce(0, +)))
    }

    @Test("fill writes exactly the range", arguments: starts, lengths)
    func fill(start: Int, length: Int) throws {
        let (buffer, values) = try pattern()
        let range = start..<(start + length)
        try buffer.fill(-2.5, range)
        for i in 0..<Self.count { #expect(buffer.value(at: i) == (range.contains(i) ? -2.5 : values[i]), "index \(i), range \(range)") }
    }

    @Test("copy writes exactly the range, from the same positions of the source", arguments: starts, lengths)
    func copy(start: Int, length: Int) throws {
        let (source, values) = try pattern()
        let target = try StreamBuffer(count: Self.count, value: 7)
        let range = start..<(start + length)
        try target.copy(from: source, range)
        for i in 0..<Self.count { #expect(target.value(at: i) == (range.contains(i) ? values[i] : 7), "index \(i), range \(range)") }
        // The source is only read.
        for i in 0..<Self.count { #expect(source.value(at: i) == values[i]) }
    }

    @Test("scale multiplies exactly the range", arguments: starts, lengths)
    func scale(start: Int, length: Int) throws {
        let (buffer, values) = try pattern()
        let range = start..<(start + length)
        try buffer.scale(by: -1.5, range)
        // One multiplication per element: the same correctly rounded product as the naive loop.
        for i in 0..<Self.count { #expect(buffer.value(at: i) == (range.contains(i) ? values[i] * -1.5 : values[i]), "index \(i), range \(range)") }
    }

    @Test("construction: value fill, count, value(at:) outside the buffer")
    func construction() throws {
        let b = try StreamBuffer(count: 13, value: 4.25)
        #expect(b.count == 13 && (0..<13).allSatisfy { b.value(at: $0) == 4.25 })
        #expect(b.value(at: -1) == nil && b.value(at: 13) == nil)
        let empty = try StreamBuffer(count: 0)
        #expect(empty.count == 0 && empty.value(at: 0) == nil)
        #expect(try empty.sum(0..<0) == 0)
        try empty.fill(1, 0..<0)
        try empty.scale(by: 2, 0..<0)
        try empty.copy(from: b, 0..<0)
    }
}
