// swift-tools-version: 6.1
// FeatureKit's package-benchmark suites: one executable target per library layer, in
// Benchmarks/<Suite>/<Suite>.swift. A package of its own, so that `swift test` of the library never
// builds package-benchmark (shared/RECIPES.md, "package-benchmark (offline)").
//
//   swift package --package-path Benchmarks benchmark          run every suite (wall clock, throughput, mallocs)
//   Benchmarks/check-allocations.sh                            CI gate: malloc counts vs Thresholds/<Swift x.y>/
//   Benchmarks/check-allocations.sh --update                   re-measure and rewrite those thresholds
import PackageDescription

// A path dependency's identity is the last component of its folder, which is "main" in one clone
// and "fk-xyz" in another, so it is derived from where this manifest lives instead of spelled out.
// SwiftPM lowercases identities; so do we.
let featureKitIdentity: String = {
    var components = #filePath.split(separator: "/", omittingEmptySubsequences: true)
    components.removeLast()  // Package.swift
    components.removeLast()  // Benchmarks
    return String(components.last ?? "featurekit").lowercased()
}()

let package = Package(
    name: "FeatureKitBenchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Layer 1: BLAS, LAPACK and the memory kernels of LinearAlgebra.
        .executableTarget(
            name: "LinearAlgebraBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "LinearAlgebra", package: featureKitIdentity),
            ],
            path: "Benchmarks/LinearAlgebraBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "package-benchmark"),
            ]
        ),
        // Layers 2 and 3: Statistics summaries, Features transforms and pipelines.
        .executableTarget(
            name: "FeaturesBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "LinearAlgebra", package: featureKitIdentity),
                .product(name: "Tabular", package: featureKitIdentity),
                .product(name: "Statistics", package: featureKitIdentity),
                .product(name: "Features", package: featureKitIdentity),
            ],
            path: "Benchmarks/FeaturesBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "package-benchmark"),
            ]
        ),
        // Layer 4: Models (prediction steady state, fits).
        .executableTarget(
            name: "ModelsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "LinearAlgebra", package: featureKitIdentity),
                .product(name: "Models", package: featureKitIdentity),
            ],
            path: "Benchmarks/ModelsBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "package-benchmark"),
            ]
        ),
    ]
)
