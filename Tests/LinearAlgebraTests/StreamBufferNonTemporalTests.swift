import Testing
@testable import LinearAlgebra

@Suite("StreamBuffer non-temporal kernels")
struct StreamBufferNonTemporalTests {
    /// Every start/length combination around the 64-byte alignment boundary: the C kernels store a
    /// scalar head until aligned, then 8-wide vectors, then a scalar tail.
    @Test("fill and copy write exactly the range, at every alignment")
    func fillAndCopy() throws {
        let count = 100
        for start in 0..<10 {
            for length in [0, 1, 7, 8, 9, 17, 40, 90 - start] {
                let range = start..<(start + length)
                let a = try StreamBuffer(count: count, value: -1)
                try a.fillNonTemporal(3.5, range)
                for i in 0..<count { #expect(a.value(at: i) == (range.contains(i) ? 3.5 : -1), "index \(i), range \(range)") }

                let source = try StreamBuffer(count: count)
                for i in 0..<count { try source.fill(Double(i) + 0.25, i..<(i + 1)) }
                let target = try StreamBuffer(count: count, value: -1)
                try target.copyNonTemporal(from: source, range)
                for i in 0..<count {
                    #expect(target.value(at: i) == (range.contains(i) ? Double(i) + 0.25 : -1), "index \(i), range \(range)")
                }
            }
        }
    }

    @Test("ranges outside the buffer are errors")
    func outOfRange() throws {
        let a = try StreamBuffer(count: 10)
        let b = try StreamBuffer(count: 5)
        #expect(throws: LinearAlgebraError.self) { try a.fillNonTemporal(1, 5..<11) }
        #expect(throws: LinearAlgebraError.self) { try a.copyNonTemporal(from: b, 0..<6) }
        #expect(throws: LinearAlgebraError.self) { try StreamBuffer(count: -1) }
        #expect(throws: LinearAlgebraError.self) { try StreamBuffer(count: Int.max / 4) }
    }
}
