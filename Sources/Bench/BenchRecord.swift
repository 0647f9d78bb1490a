/// One row of the benchmark table, and one element of `featurekit bench --json`'s array.
///
/// The field set is the project's record format (see the foundation issue); fields that do not
/// apply are encoded as JSON `null`, never omitted, so every record has the same keys.
public struct BenchRecord: Codable, Sendable, Equatable {
    /// Workload name, e.g. "memory.read (1 thread)" or "StandardScaler.transform".
    public var name: String
    public var rows: Int?
    public var cols: Int?
    public var secondsMedian: Double
    public var secondsMin: Double
    public var secondsMax: Double
    public var repeats: Int
    public var rowsPerSecond: Double?
    public var bytesPerSecond: Double?
    public var gflops: Double?
    /// The machine limit this workload is compared with (the name of a limit record).
    public var limitName: String?
    /// This workload's throughput divided by the limit's (bytes/s or GFLOP/s): 1.0 = at the limit.
    public var limitRatio: Double?
    public var peerName: String?
    public var peerSecondsMedian: Double?
    /// `peerSecondsMedian / secondsMedian`: above 1 means FeatureKit is faster.
    public var speedupVsPeer: Double?

    enum CodingKeys: String, CodingKey {
        case name, rows, cols
        case secondsMedian = "seconds_median"
        case secondsMin = "seconds_min"
        case secondsMax = "seconds_max"
        case repeats
        case rowsPerSecond = "rows_per_second"
        case bytesPerSecond = "bytes_per_second"
        case gflops
        case limitName = "limit_name"
        case limitRatio = "limit_ratio"
        case peerName = "peer_name"
        case peerSecondsMedian = "peer_seconds_median"
        case speedupVsPeer = "speedup_vs_peer"
    }

    public init(name: String, rows: Int?, cols: Int?, timing: TimingSummary,
                rowsPerSecond: Double? = nil, bytesPerSecond: Double? = nil, gflops: Double? = nil,
                limitName: String? = nil, limitRatio: Double? = nil,
                peer: PeerTiming? = nil) {
        self.name = name
        self.rows = rows
        self.cols = cols
        self.secondsMedian = timing.median
        self.secondsMin = timing.min
        self.secondsMax = timing.max
        self.repeats = timing.repeats
        self.rowsPerSecond = rowsPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.gflops = gflops
        self.limitName = limitName
        self.limitRatio = limitRatio
        self.peerName = peer?.name
        self.peerSecondsMedian = peer?.timing.median
        self.speedupVsPeer = peer.map { $0.timing.median / timing.median }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(rows, forKey: .rows)  // encode(Optional) writes null: every key present
        try container.encode(cols, forKey: .cols)
        try container.encode(secondsMedian, forKey: .secondsMedian)
        try container.encode(secondsMin, forKey: .secondsMin)
        try container.encode(secondsMax, forKey: .secondsMax)
        try container.encode(repeats, forKey: .repeats)
        try container.encode(rowsPerSecond, forKey: .rowsPerSecond)
        try container.encode(bytesPerSecond, forKey: .bytesPerSecond)
        try container.encode(gflops, forKey: .gflops)
        try container.encode(limitName, forKey: .limitName)
        try container.encode(limitRatio, forKey: .limitRatio)
        try container.encode(peerName, forKey: .peerName)
        try container.encode(peerSecondsMedian, forKey: .peerSecondsMedian)
        try container.encode(speedupVsPeer, forKey: .speedupVsPeer)
    }
}
