public import Foundation
public import Metrics

/// The embedded cluster's `MetricsSource`: the series its pods' image behaviours publish
/// (`SimCluster.publishedSeries`: `release:request_error_ratio`,
/// `release:request_latency_p50/p95/p99_seconds`, `vllm:gpu_cache_usage_perc`), queried
/// with `SeriesQuery`'s PromQL subset.
///
/// The simulation keeps no history, so every query is answered from the state at its current
/// virtual instant, whatever `time` says: a gate running inside `KubeSim.run` asks at that
/// instant (its `SimClock.now`), and sees exactly the pods ready then. Nothing here advances
/// time or starts a driver, so it is safe to call from inside `run`.
public struct SimulatedMetrics: MetricsSource {
  public let sim: KubeSim

  public init(sim: KubeSim) {
    self.sim = sim
  }

  public func query(_ query: String, at time: Date) async throws(MetricsError) -> [MetricSample] {
    let parsed: SeriesQuery
    do {
      parsed = try SeriesQuery(parsing: query)
    } catch {
      guard case .unsupportedQuery(let text, let reason) = error else { throw error }
      throw .unsupportedQuery(query: text, reason: "\(reason); series: \(Self.seriesNames)")
    }
    return try parsed.evaluate(await sim.metricSeries())
  }

  /// The names of the series the simulated cluster publishes, for messages.
  public static let seriesNames = SimCluster.publishedSeries.map(\.name).joined(separator: ", ")
}
