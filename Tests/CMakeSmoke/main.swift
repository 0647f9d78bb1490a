// Smoke test of the CMake build (registered with ctest; not a SwiftPM target).
//
// Solves y = 2 + 3 x1 - x2, which holds exactly on every row, by least squares through LAPACK's QR
// (dgels) and SVD (dgelsd). Both must recover (2, 3, -1) to 1e-10; exits 1 otherwise.
import FeatureKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let expected: [Double] = [2, 3, -1]
let tolerance = 1e-10

// Ten rows [1, x1, x2]: x1 = i, x2 = i^2 mod 7, so the three columns are linearly independent.
var rows: [[Double]] = []
var y: [Double] = []
for i in 0..<10 {
    let x1 = Double(i), x2 = Double((i * i) % 7)
    rows.append([1, x1, x2])
    y.append(expected[0] + expected[1] * x1 + expected[2] * x2)
}

func check(_ name: String, _ solution: Matrix<Double>) -> Bool {
    let coefficients = (0..<solution.rows).map { solution[$0, 0] }
    let error = zip(coefficients, expected).map { abs($0 - $1) }.max() ?? .infinity
    let ok = coefficients.count == expected.count && error <= tolerance
    print("\(name): coefficients \(coefficients), max |error| \(error) -> \(ok ? "ok" : "MISMATCH")")
    return ok
}

var passed = true
do {
    print("OpenBLAS \(BLASRuntime.version), core \(BLASRuntime.coreType), \(BLASRuntime.threadCount) thread(s)")
    let a = try Matrix(rows)
    let qr = try LAPACK.leastSquaresQR(a, y)
    passed = check("leastSquaresQR ", qr.solution) && passed
    let svd = try LAPACK.leastSquaresSVD(a, y)
    passed = check("leastSquaresSVD", svd.solution) && passed
    if svd.rank != expected.count {
        print("leastSquaresSVD: rank \(svd.rank), expected \(expected.count) -> MISMATCH")
        passed = false
    }
} catch {
    print("error: \(error)")
    passed = false
}

if !passed {
    print("FeatureKit CMake smoke test FAILED")
    exit(1)
}
print("FeatureKit CMake smoke test passed")
