import Foundation
import Metrics
import NIOCore
import NIOPosix

/// A real Prometheus (Debian's `prometheus` package) in a temporary directory, scraping one
/// target every second on loopback. Whoever starts one must `stop()` it, also on failure.
final class PrometheusServer {
  let process: Process
  private let output: FileHandle
  let directory: URL
  let port: Int
  var url: String { "http://127.0.0.1:\(port)" }
  private var logFile: URL { directory.appendingPathComponent("prometheus.log") }

  private init(process: Process, output: FileHandle, directory: URL, port: Int) {
    self.process = process
    self.output = output
    self.directory = directory
    self.port = port
  }

  /// The server binary. Missing is a failure, not a skip: CI runs scripts/bootstrap, which
  /// installs it, so a missing binary means a machine that was not set up.
  static func binary() throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let candidates = ["/usr/bin/prometheus"] + path.split(separator: ":").map { "\($0)/prometheus" }
    if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
    throw EndToEndError(
      "prometheus is not installed (no /usr/bin/prometheus, none on PATH): run scripts/bootstrap, which installs "
        + "Debian's prometheus package for this end-to-end test")
  }

  /// Starts Prometheus scraping `127.0.0.1:targetPort` as job `app`, listening on a port
  /// probed free just before (should another process take it first, Prometheus exits and
  /// `waitUntilScraped` reports its log).
  static func start(scrapingPort targetPort: Int) async throws -> PrometheusServer {
    let binary = try binary()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let config = directory.appendingPathComponent("prometheus.yml")
    try """
      global:
        scrape_interval: 1s
        evaluation_interval: 1s
      scrape_configs:
        - job_name: app
          static_configs:
            - targets: ['127.0.0.1:\(targetPort)']
      """.write(to: config, atomically: true, encoding: .utf8)
    let port = try await freePort()
    let log = directory.appendingPathComponent("prometheus.log")
    guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
      throw EndToEndError("cannot create \(log.path)")
    }
    let output = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = [
      "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
      "--web.listen-address=127.0.0.1:\(port)",
    ]
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      try? output.close()
      try? FileManager.default.removeItem(at: directory)
      throw EndToEndError("\(binary) could not be started: \(error)")
    }
    return PrometheusServer(process: process, output: output, directory: directory, port: port)
  }

  /// Polls until Prometheus has scraped the target: `up{job="app"}` is 1 and `ready` answers
  /// with data. Real time cannot be avoided here; the wait is bounded.
  func waitUntilScraped(ready: String, within limit: Duration) async throws {
    let client = try PrometheusClient(url: url, timeout: .seconds(2), retry: .none)
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    var last = "no answer yet"
    while clock.now < deadline {
      guard process.isRunning else { throw EndToEndError("prometheus exited early:\n\(logTail())") }
      do {
        let up = try await client.query(#"up{job="app"}"#, at: Date())
        if up.first?.value == 1, try await !client.query(ready, at: Date()).isEmpty { return }
        last = up.isEmpty ? "target not scraped yet" : "target up = \(up[0].value)"
      } catch {
        last = error.description
      }
      try await Task.sleep(for: .milliseconds(200))
    }
    throw EndToEndError("prometheus did not scrape the target within \(limit) (last: \(last)):\n\(logTail())")
  }

  /// Ends the server (SIGTERM, then SIGKILL if it lingers) and removes its directory.
  func stop() async {
    if process.isRunning {
      process.terminate()
      let clock = ContinuousClock()
      let deadline = clock.now.advanced(by: .seconds(10))
      while process.isRunning && clock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    process.waitUntilExit()
    try? output.close()
    try? FileManager.default.removeItem(at: directory)
  }

  func logTail() -> String {
    let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log)"
    return text.split(separator: "\n").suffix(15).joined(separator: "\n")
  }

  /// A port nothing listens on right now, found by binding to port 0.
  private static func freePort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port
    try await channel.close()
    guard let port else { throw EndToEndError("no free port on 127.0.0.1") }
    return port
  }
}
