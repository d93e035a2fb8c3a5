public import Kube
internal import KubeSim

/// A connection to an environment's cluster, and the clock to wait on there: the embedded
/// cluster's virtual clock in process (so a 300 s readiness window costs milliseconds and the
/// state is saved afterwards), real time for a served or real cluster.
public struct ClusterSession: Sendable {
  public let api: any KubeAPI
  /// Where we are connected, as the user reads it: `embedded cluster (in process)`, `context prod-us (https://…)`.
  public let label: String
  /// The kubeconfig loader's warnings (e.g. TLS verification disabled), for stderr.
  public let warnings: [String]
  let embedded: (cluster: EmbeddedCluster, sim: KubeSim, scenarioSource: String)?
  /// The embedded cluster's server, when `release sim start` serves it.
  let served: SimServerRecord?

  init(
    api: any KubeAPI, label: String, warnings: [String] = [], embedded: (EmbeddedCluster, KubeSim, String)? = nil, served: SimServerRecord? = nil
  ) {
    self.api = api
    self.label = label
    self.warnings = warnings
    self.embedded = embedded
    self.served = served
  }

  /// Runs `body` against the cluster; an in-process embedded cluster is saved afterwards,
  /// also when `body` fails part-way, so what was written is not lost.
  public func run<T: Sendable>(_ body: @escaping @Sendable (any KubeAPI, any Clock<Duration>) async throws -> T) async throws -> T {
    guard let embedded else { return try await body(api, served.map { ScaledClock(speed: $0.speed) as any Clock<Duration> } ?? ContinuousClock()) }
    let sim = embedded.sim
    let result: Result<T, any Error>
    do {
      result = .success(try await sim.run { clock in try await body(sim, clock) })
    } catch {
      result = .failure(error)
    }
    try await embedded.cluster.save(sim, scenarioSource: embedded.scenarioSource)
    return try result.get()
  }
}
