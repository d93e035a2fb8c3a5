import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Metrics
import ReleaseKit
import Rollout
import Testing

/// Where the workflow under test reaches the cluster: KubeSim in process, or the REST client
/// over HTTPS to the same simulation served by KubeSimServer. Virtual time either way.
enum Route: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case inProcess, served
  var testDescription: String { self == .inProcess ? "KubeSim in process" : "RESTClient over KubeSimServer" }
}

/// A wall clock that only moves when told, so lease expiry and record times are exact.
final class ManualWallClock: WallClock, @unchecked Sendable {
  // Guarded by the lock; tests move it between steps.
  private let lock = NSLock()
  private var current = Date(timeIntervalSince1970: 1_800_000_000)
  func now() -> Date { lock.withLock { current } }
  func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

struct WorkflowHarness: Sendable {
  let sim: KubeSim
  let api: any KubeAPI
  let server: KubeSimServer?
  let wallClock = ManualWallClock()

  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  static func make(_ route: Route, sim: KubeSim = KubeSim()) async throws -> WorkflowHarness {
    switch route {
    case .inProcess:
      return WorkflowHarness(sim: sim, api: sim, server: nil)
    case .served:
      let server = KubeSimServer(sim: sim, options: ServerOptions(tls: true))
      let endpoint = try await server.start()
      let connection = endpoint.connection(namespace: "default")
      let client = try RESTClient(connection: connection, credentials: credentialSource(for: connection))
      return WorkflowHarness(sim: sim, api: client, server: server)
    }
  }

  func close() async { await server?.shutdown() }

  /// The example repo's environment, rendered as `release` renders it.
  static func example(_ name: String = "staging") async throws -> EnvironmentContext {
    try await EnvironmentContext.load(name, repository: EnvironmentRepository(root: packageRoot))
  }

  /// A scratch environment repo with one environment `app` of the given files.
  static func scratch(_ files: [String: String]) async throws -> (EnvironmentContext, String) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("release-wf-\(UUID().uuidString)").path
    var all = files
    all["environments/app/release.yaml"] = all["environments/app/release.yaml"]
      ?? "apiVersion: release.dev/v1alpha1\nkind: Environment\ncluster: {embedded: {}}\n"
    for (path, text) in all {
      let url = URL(fileURLWithPath: root + "/" + path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return (try await EnvironmentContext.load("app", repository: EnvironmentRepository(root: root)), root)
  }

  func runner(_ clock: any Clock<Duration>, observer: CollectingObserver = CollectingObserver()) -> ReleaseRunner {
    ReleaseRunner(api: api, clock: clock, wallClock: wallClock, observer: observer)
  }

  /// `release apply --yes` on virtual time.
  func apply(
    _ context: EnvironmentContext, settings: ApplySettings? = nil, observer: any ApplyObserver = CollectingObserver(),
    metrics: (any MetricsSource)? = nil, api: (any KubeAPI)? = nil, resync: Duration? = nil
  ) async throws -> ApplyOutcome {
    let api = api ?? self.api
    let wallClock = self.wallClock
    let chosen = settings ?? context.settings
    // The example environments' gates read the embedded cluster's series, as `release apply` does.
    let source = metrics ?? SimulatedMetrics(sim: sim)
    return try await sim.run { clock in
      var runner = ReleaseRunner(api: api, clock: clock, wallClock: wallClock, observer: observer, metrics: source)
      if let resync { runner.resyncInterval = resync }
      return try await runner.apply(environment: context.name, rendered: context.objects, source: context.source, settings: chosen) { _, _ in true }
    }
  }

  func diff(_ context: EnvironmentContext) async throws -> ChangeSetSummary {
    let set = try await DiffWorkflow.changes(context, api: api)
    return ChangeSetSummary(changes: set)
  }
}

import Diff

/// A change set as tests read it: which objects, which fields.
struct ChangeSetSummary {
  let changes: ChangeSet
  var hasChanges: Bool { changes.hasChanges }
  var changed: [String] {
    changes.changed.map { "\($0.action.rawValue) \($0.id.gvk.kind)/\($0.id.name)" + ($0.fields.isEmpty ? "" : ": " + $0.fields.map(\.path.description).joined(separator: ", ")) }
  }
}
