import COpenBLAS

extension BLASRuntime {
    /// Runs `body` with OpenBLAS set to one thread, then restores the previous count.
    ///
    /// For kernels that run their own threads over fixed row blocks and call BLAS/LAPACK on small,
    /// cache-sized blocks: OpenBLAS's own threads would oversubscribe the cores and spend their time
    /// dispatching (`exec_blas_async`) and yielding. It also makes those results independent of the
    /// process's OpenBLAS thread count. The setting is process-wide: a BLAS call made concurrently
    /// from another thread runs single-threaded meanwhile (its results are unchanged).
    public static func withSingleThreadedBLAS<T>(_ body: () throws -> T) rethrows -> T {
        let previous = openblas_get_num_threads()
        if previous == 1 { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }
}
