public import EnvironmentRepo
public import Metrics

extension ClusterSession {
  /// Where the environment's metric gates are evaluated.
  public func metricsSource(_ config: EnvironmentConfig) throws(ReleaseFailure) -> (any MetricsSource)? {
    nil
  }
}
