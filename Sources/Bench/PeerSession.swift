import Foundation

/// What the peer reported about itself: library versions and the BLAS it runs on.
public struct PeerInfo: Codable, Sendable {
    public var versions: [String: String?]
    public var blas: [[String: JSONScalar]]
    public var threads: Int?

    /// "numpy 2.4.6, scikit-learn 1.9.1, ...; BLAS openblas 0.3.31 SkylakeX"
    public var line: String {
        let order = ["python", "numpy", "scipy", "sklearn", "pandas", "polars", "threadpoolctl"]
        let libs = order.compactMap { name in versions[name].flatMap { $0 }.map { "\(name) \($0)" } }
        let blasText = blas.compactMap { entry -> String? in
            guard case let .string(api)? = entry["internal_api"] else { return nil }
            let version = entry["version"].map(\.text) ?? "?"
            let arch = entry["architecture"].map { " \($0.text)" } ?? ""
            return "\(api) \(version)\(arch)"
        }
        return libs.joined(separator: ", ") + (blasText.isEmpty ? "" : "; BLAS " + blasText.joined(separator: ", "))
    }
}

/// A JSON scalar as the peer sends it (string, number, bool or null).
public enum JSONScalar: Codable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .string(s): try c.encode(s)
        case let .number(n): try c.encode(n)
        case let .bool(b): try c.encode(b)
        case .null: try c.encodeNil()
        }
    }

    public var text: String {
        switch self {
        case let .string(s): return s
        case let .number(n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case let .bool(b): return String(b)
        case .null: return "null"
        }
    }
}

/// Errors talking to the peer process.
public enum PeerError: Error, CustomStringConvertible {
    case setupFailed(String)
    case processEnded(String)
    case badReply(String)
    case peerFailed(workload: String, message: String)

    public var description: String {
        switch self {
        case let .setupFailed(m): return "peer setup failed: \(m)"
        case let .processEnded(m): return "peer process ended unexpectedly: \(m)"
        case let .badReply(m): return "peer sent an unreadable reply: \(m)"
        case let .peerFailed(workload, message): return "peer failed on \(workload): \(message)"
        }
    }
}

/// The peer script (`Benchmarks/peers/peer.py`) running as a child process that answers JSON
/// requests, so FeatureKit and the peer can alternate runs of the same workload.
///
/// The peer's environment is this process's, minus `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE`
/// (numpy ships its own, newer OpenBLAS that detects this CPU correctly and is slowed by them) and
/// `OPENBLAS_THREAD_TIMEOUT` (the peer keeps OpenBLAS's default spin of its idle workers, as users
/// run it), plus the thread count for every threading layer it may use.
public final class PeerSession {
    /// The peer's library versions and BLAS, as it reported them at start.
    public private(set) var info = PeerInfo(versions: [:], blas: [], threads: nil)
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var buffer = Data()
    private var prepared: String?

    /// The peer's process identifier (for `Quiescence`).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Creates the peer's virtual environment if needed (`setup.sh`, pinned versions) and starts it.
    /// - Parameter directory: the folder holding `setup.sh` and `peer.py` (Benchmarks/peers).
    public init(directory: String, threads: Int) throws {
        let setup = URL(fileURLWithPath: directory).appendingPathComponent("setup.sh").path
        let script = URL(fileURLWithPath: directory).appendingPathComponent("peer.py").path
        guard FileManager.default.isExecutableFile(atPath: setup), FileManager.default.fileExists(atPath: script) else {
            throw PeerError.setupFailed("no setup.sh and peer.py in \(directory) (run from the repository root or pass --peer-dir)")
        }
        let python = try Self.runSetup(setup)

        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        environment["OPENBLAS_THREAD_TIMEOUT"] = nil
        for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "POLARS_MAX_THREADS"] {
            environment[name] = String(threads)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "serve", "--threads", String(threads)]
        process.environment = environment
        let toPeer = Pipe(), fromPeer = Pipe()
        process.standardInput = toPeer
        process.standardOutput = fromPeer
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        self.input = toPeer.fileHandleForWriting
        self.output = fromPeer.fileHandleForReading
        let reply = try request(["op": "info"])
        info = try JSONDecoder().decode(PeerInfo.self, from: JSONSerialization.data(withJSONObject: reply))
    }

    deinit {
        try? input.write(contentsOf: Data("{\"op\": \"quit\"}\n".utf8))
        try? input.close()
        process.waitUntilExit()
    }

    private static func runSetup(_ setup: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [setup]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let python = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !python.isEmpty else {
            throw PeerError.setupFailed("\(setup) exited with status \(process.terminationStatus)")
        }
        return python.split(separator: "\n").last.map(String.init) ?? python
    }

    /// Sends one request and waits for its one-line reply.
    private func request(_ object: [String: Any]) throws -> [String: Any] {
        let line = try JSONSerialization.data(withJSONObject: object) + Data("\n".utf8)
        do { try input.write(contentsOf: line) } catch {
            throw PeerError.processEnded("cannot write a request: \(error)")
        }
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let lineData = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                guard let reply = try? JSONSerialization.jsonObject(with: lineData) as? [String: Any] else {
                    throw PeerError.badReply(String(decoding: lineData, as: UTF8.self))
                }
                return reply
            }
            let chunk = output.availableData
            if chunk.isEmpty { throw PeerError.processEnded("no reply to \(object["op"] ?? "?")") }
            buffer.append(chunk)
        }
    }

    /// Builds the peer's inputs for `workload` and warms it up (untimed).
    /// - Returns: the peer's description of what it runs, e.g. "numpy np.matmul(a, b, out=c)".
    public func prepare(_ workload: String, arguments: [String: String]) throws -> String {
        prepared = nil
        let reply = try request(["op": "prepare", "workload": workload, "args": arguments])
        if let message = reply["error"] as? String { throw PeerError.peerFailed(workload: workload, message: message) }
        guard let description = reply["peer"] as? String else { throw PeerError.badReply("prepare: \(reply)") }
        prepared = workload
        return description
    }

    /// One timed run of the prepared workload, in seconds (timed inside the peer).
    public func runOnce() throws -> Double {
        let reply = try request(["op": "run"])
        if let message = reply["error"] as? String {
            throw PeerError.peerFailed(workload: prepared ?? "?", message: message)
        }
        guard let seconds = reply["seconds"] as? Double else { throw PeerError.badReply("run: \(reply)") }
        return seconds
    }
}
