import Foundation
import Kube
import Manifest
import NIOCore
import NIOPosix

/// A real Pushgateway (Debian's `prometheus-pushgateway`) on a free loopback port. Whoever
/// starts one must `stop()` it, also on failure.
public final class PushgatewayServer: @unchecked Sendable {
  // Immutable after start; the process handle is only read.
  let process: Process
  let logFile: URL
  public let port: Int
  public var url: String { "http://127.0.0.1:\(port)" }

  private init(process: Process, logFile: URL, port: Int) {
    self.process = process
    self.logFile = logFile
    self.port = port
  }

  /// Missing is a failure, not a skip: scripts/bootstrap installs it.
  public static func binary() throws -> String {
    let path = "/usr/bin/prometheus-pushgateway"
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw SupportError("prometheus-pushgateway is not installed (no \(path)): run scripts/bootstrap, which installs Debian's package")
    }
    return path
  }

  public static func start() async throws -> PushgatewayServer {
    let binary = try binary()
    let port = try await freePort()
    let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("pushgateway-\(UUID().uuidString).log")
    guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else { throw SupportError("cannot create \(logFile.path)") }
    let output = try FileHandle(forWritingTo: logFile)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["--web.listen-address=127.0.0.1:\(port)"]
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let server = PushgatewayServer(process: process, logFile: logFile, port: port)
    do {
      try await server.waitUntilReady(within: .seconds(20))
    } catch {
      await server.stop()
      throw error
    }
    return server
  }

  /// Polls `/-/ready` (bounded): the one real-time wait, for a real server to come up.
  func waitUntilReady(within limit: Duration) async throws {
    let transport = try CurlTransport(configuration: TransportConfiguration())
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    var last = "no answer"
    while clock.now < deadline {
      guard process.isRunning else { throw SupportError("pushgateway exited early:\n\(logTail())") }
      do {
        let response = try await transport.send(HTTPRequest(method: "GET", url: url + "/-/ready", timeout: .seconds(2)))
        if response.status == 200 { return }
        last = "HTTP \(response.status)"
      } catch {
        last = error.message
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw SupportError("pushgateway not ready within \(limit) (\(last)):\n\(logTail())")
  }

  /// `GET /api/v1/metrics`: every group, as the Pushgateway's JSON API gives them.
  public func groups() async throws -> [Value] {
    let transport = try CurlTransport(configuration: TransportConfiguration())
    let response = try await transport.send(HTTPRequest(method: "GET", url: url + "/api/v1/metrics", timeout: .seconds(5)))
    guard response.status == 200 else { throw SupportError("GET /api/v1/metrics: HTTP \(response.status)") }
    return try JSON.parse(bytes: Array(response.body))["data"]?.arrayValue ?? []
  }

  /// The samples of `metric` in the group whose labels include `grouping`: labels → value.
  public func samples(_ metric: String, grouping: [String: String]) async throws -> [[String: String]: String] {
    var result: [[String: String]: String] = [:]
    for group in try await groups() {
      let labels = group["labels"]?.objectValue ?? [:]
      guard grouping.allSatisfy({ labels[$0.key]?.stringValue == $0.value }) else { continue }
      for sample in group[path: [metric, "metrics"]]?.arrayValue ?? [] {
        var key: [String: String] = [:]
        for (name, value) in sample["labels"]?.objectValue ?? [:] { key[name] = value.stringValue ?? "" }
        result[key] = sample["value"]?.stringValue ?? ""
      }
    }
    return result
  }

  public func stop() async {
    if process.isRunning {
      process.terminate()
      let clock = ContinuousClock()
      let deadline = clock.now.advanced(by: .seconds(10))
      while process.isRunning && clock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    process.waitUntilExit()
    try? FileManager.default.removeItem(at: logFile)
  }

  public func logTail() -> String {
    let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log)"
    return text.split(separator: "\n").suffix(15).joined(separator: "\n")
  }
}

/// A port nothing listens on right now, found by binding to port 0.
public func freePort() async throws -> Int {
  let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
  let port = channel.localAddress?.port
  try await channel.close()
  guard let port else { throw SupportError("no free port on 127.0.0.1") }
  return port
}

/// Why an end-to-end set-up failed, worded for the person reading the test log.
public struct SupportError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
