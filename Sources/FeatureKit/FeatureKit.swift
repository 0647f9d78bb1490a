// FeatureKit: `import FeatureKit` brings in every public module. This file only re-exports.
@_exported import LinearAlgebra
@_exported import Tabular
@_exported import Statistics
@_exported import Features
@_exported import Models
@_exported import Lifecycle
@_exported import DataIO
