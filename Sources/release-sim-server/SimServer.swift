import ArgumentParser
internal import ReleaseKit
internal import EnvironmentRepo
internal import Dispatch
internal import Foundation
internal import Kube
internal import KubeSim
internal import KubeSimServer

/// The background half of `release sim start`, which launches it: serves an embedded cluster
/// until SIGTERM, saving its state now and then and on the way out. Not meant to be run by hand.
///
/// A binary of its own so that `release` does not link the HTTPS server (swift-nio, its TLS
/// and certificates): building `release` for the demo or the drift CronJob's image skips them.
@main
struct SimServer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "release-sim-server", abstract: "Serve an embedded cluster in the foreground (launched by `release sim start`).")

  @Option(help: "The environment repo's root directory.") var repo: String
  @Option(help: "A named embedded cluster; default: the unnamed one.") var cluster: String?
  @Option(help: "Scenario file for a cluster not created yet.") var scenario: String?
  @Option(help: "Virtual seconds per real second.") var speed: Double = 100
  @Option(help: "Seconds of real time between state saves.") var saveInterval: Double = 5

  func run() async throws {
    // Its own session: closing the terminal that ran `sim start` must not end the server.
    _ = setsid()
    let cluster: EmbeddedCluster
    do {
      cluster = try EmbeddedCluster.named(self.cluster, in: EnvironmentRepository(root: repo))
    } catch {
      throw Self.failure(error)
    }
    if let record = cluster.servedRecord(), record.pid != getpid() {
      throw ValidationError("already served at \(record.url) (pid \(record.pid))")
    }
    let (sim, source): (KubeSim, String)
    do {
      (sim, source) = try cluster.open(scenarioOverride: scenario)
      try await cluster.save(sim, scenarioSource: source)
    } catch {
      throw Self.failure(error)
    }

    let server = KubeSimServer(sim: sim, options: ServerOptions(tls: true, speed: speed))
    let endpoint = try await server.start()
    // HTTPS with the admin client certificate: the way most real clusters are reached.
    try KubeConfigWriter.write(Kubeconfig.connection(for: endpoint, credential: .clientCertificate), to: cluster.kubeconfigFile)
    let record = SimServerRecord(
      pid: getpid(), url: endpoint.url, speed: speed, kubeconfig: cluster.kubeconfigFile,
      virtualStart: await sim.now.rfc3339, realStart: Date())
    try record.write(to: cluster.serverRecordFile)
    Self.say("serving the embedded cluster at \(endpoint.url) (pid \(record.pid), virtual time ×\(speed))")

    let stop = Self.terminationSignals()
    await withTaskGroup(of: Void.self) { group in
      group.addTask { for await _ in stop { return } }
      group.addTask {
        while !Task.isCancelled {
          try? await Task.sleep(for: .seconds(saveInterval))
          if Task.isCancelled { return }
          do {
            try await cluster.save(sim, scenarioSource: source)
          } catch {
            // Keep serving: the next save may succeed, and the log tells why this one did not.
            Self.say("error: saving the embedded cluster: \((error as? ReleaseFailure)?.message ?? "\(error)")")
          }
        }
      }
      await group.next()
      group.cancelAll()
    }
    await server.shutdown()
    try await cluster.save(sim, scenarioSource: source)
    try? FileManager.default.removeItem(atPath: cluster.serverRecordFile)
    Self.say("stopped; state saved")
  }

  /// The log `sim start` shows when the server does not come up.
  static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

  static func failure(_ error: any Error) -> ValidationError {
    ValidationError((error as? ReleaseFailure)?.message ?? "\(error)")
  }

  /// SIGTERM (from `sim stop`), SIGINT and SIGHUP, delivered as a stream instead of killing us
  /// mid-save.
  static func terminationSignals() -> AsyncStream<Int32> {
    AsyncStream { continuation in
      let queue = DispatchQueue(label: "release.sim.signals")
      let sources = [SIGTERM, SIGINT, SIGHUP].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        return source
      }
      let retained = SignalSources(sources)
      continuation.onTermination = { _ in retained.cancel() }
    }
  }
}

/// Keeps the dispatch signal sources alive as long as the stream that reports them.
private final class SignalSources: @unchecked Sendable {
  // Only touched at creation and once at cancellation.
  private let sources: [any DispatchSourceSignal]
  init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
  func cancel() { sources.forEach { $0.cancel() } }
}
