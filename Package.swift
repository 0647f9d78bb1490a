// swift-tools-version: 6.1
// FeatureKit: fast, deterministic feature transforms and linear models on OpenBLAS and LAPACKE.
//
// Layers (each imports only what is below it; see ../shared/ARCHITECTURE.md and README.md):
//   COpenBLAS (C shim) -> LinearAlgebra -> Tabular, Statistics -> Features, Models -> Lifecycle -> FeatureKit (umbrella) -> Bench -> featurekit (CLI)
//   CFastFloat (C++ shim) + LinearAlgebra + Tabular -> DataIO -> FeatureKit
import PackageDescription

let package = Package(
    name: "FeatureKit",
    products: [
        .library(name: "FeatureKit", targets: ["FeatureKit"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Tabular", targets: ["Tabular"]),
        .library(name: "Statistics", targets: ["Statistics"]),
        .library(name: "Features", targets: ["Features"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Lifecycle", targets: ["Lifecycle"]),
        .library(name: "DataIO", targets: ["DataIO"]),
        .executable(name: "featurekit", targets: ["FeatureKitCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The C shim: OpenBLAS's CBLAS and LAPACKE as a Clang module. Nothing else touches C.
        .target(
            name: "COpenBLAS",
            exclude: ["README.md", "CMakeLists.txt"],
            linkerSettings: [.linkedLibrary("openblas"), .linkedLibrary("lapacke")]
        ),
        // Memory kernels Swift cannot express (non-temporal stores); used by LinearAlgebra only.
        .target(
            name: "CKernels"
        ),
        // Matrix, views, BLAS and LAPACK wrappers, typed errors. The only home of unsafe pointers.
        .target(
            name: "LinearAlgebra",
            dependencies: ["COpenBLAS", "CKernels"],
            exclude: ["CMakeLists.txt"]
        ),
        // The Table of named numeric and categorical columns: what readers produce and transforms select from.
        .target(
            name: "Tabular",
            dependencies: ["LinearAlgebra"]
        ),
        // Mergeable summaries (moments, quantiles, category counts): the fits of the transforms.
        .target(
            name: "Statistics",
            dependencies: ["LinearAlgebra", "Tabular"]
        ),
        // Transforms (scalers, encoders, ...), column selection and pipelines: config -> fit -> fitted.
        .target(
            name: "Features",
            dependencies: ["LinearAlgebra", "Tabular", "Statistics"]
        ),
        // Linear, ridge and logistic models; solvers (QR, SVD, Cholesky, L-BFGS, Newton); diagnostics.
        .target(
            name: "Models",
            dependencies: ["LinearAlgebra", "Statistics"]
        ),
        // fast_float (Debian's libfast-float-dev, header-only C++) behind a C-callable shim, and the CSV
        // reader's memchr-speed byte scans; used by DataIO only.
        .target(
            name: "CFastFloat",
            exclude: ["README.md"]
        ),
        // CSV (streaming, typed columns, strict errors) and .npy reading and writing.
        .target(
            name: "DataIO",
            dependencies: ["CFastFloat", "LinearAlgebra", "Tabular"]
        ),
        // The production lifecycle: training data profiles and drift, content hashes, model files.
        .target(
            name: "Lifecycle",
            dependencies: ["Tabular", "Statistics", "Features", "Models"]
        ),
        // Umbrella: `import FeatureKit` re-exports every public module.
        .target(
            name: "FeatureKit",
            dependencies: ["LinearAlgebra", "Tabular", "Statistics", "Features", "Models", "Lifecycle", "DataIO"],
            exclude: ["CMakeLists.txt"]
        ),
        // The benchmark harness behind `featurekit bench`: machine limits, workloads, records.
        .target(
            name: "Bench",
            dependencies: ["FeatureKit"]
        ),
        // The command-line tool: thin argument parsing over the library and the harness.
        .executableTarget(
            name: "FeatureKitCLI",
            dependencies: [
                "FeatureKit", "Bench", "DataIO", "Lifecycle",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLI"
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "Tabular"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Tabular", "DataIO"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models"]),
        // Runs the built featurekit binary end to end (swift build --build-tests builds it beside the tests).
        .testTarget(name: "CLITests", dependencies: []),
        .testTarget(name: "LifecycleTests", dependencies: ["Lifecycle", "Features", "Models", "Tabular", "FeatureKit"]),
        // Fixtures/ (tricky CSV files, numpy-written .npy files) are read through #filePath.
        .testTarget(name: "DataIOTests", dependencies: ["DataIO"], exclude: ["Fixtures"]),
        // Fixtures/ are read through #filePath (no resource bundle needed); made by committed scripts.
        .testTarget(name: "BenchTests", dependencies: ["Bench"], exclude: ["Fixtures"]),
    ]
)
