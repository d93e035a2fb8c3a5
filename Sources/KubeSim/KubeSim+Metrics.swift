public import Metrics

extension KubeSim {
  /// The per-pod series of `SimulatedMetrics` at the current virtual instant. Reads state
  /// only, so it may be called while a client drives the simulation in `run(_:)`.
  public func metricSeries() -> [MetricSample] {
    cluster.metricSeries()
  }
}
