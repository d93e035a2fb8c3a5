public import EnvironmentRepo
internal import Foundation
internal import Kube
internal import KubeSim
public import Metrics

extension ClusterSession {
  /// Where the environment's metric gates are evaluated: the embedded cluster's own series
  /// (in process, or through its server's query API when `release sim start` serves it), or
  /// the Prometheus release.yaml names, with a token read from a file (never from release.yaml).
  public func metricsSource(_ config: EnvironmentConfig) throws(ReleaseFailure) -> (any MetricsSource)? {
    switch config.rollout.metrics {
    case nil:
      return nil
    case .embedded:
      if let embedded { return SimulatedMetrics(sim: embedded.sim) }
      guard let served else { return nil }
      do {
        let loaded = try KubeConfigLoader(kubeconfig: served.kubeconfig).load()
        return try PrometheusClient(connection: loaded.connection)
      } catch {
        throw ReleaseFailure.badInput("metrics of the embedded cluster served at \(served.url): \(error)")
      }
    case .prometheus(let url, let tokenFile):
      var token: String?
      if let tokenFile {
        let path = tokenFile.hasPrefix("/") ? tokenFile : FileManager.default.currentDirectoryPath + "/" + tokenFile
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
          throw ReleaseFailure.badInput("release.yaml: metrics.prometheus.tokenFile: cannot read \(tokenFile)")
        }
        token = text.trimmingCharacters(in: .whitespacesAndNewlines)
      }
      do {
        return try PrometheusClient(url: url, bearerToken: token)
      } catch {
        throw ReleaseFailure.badInput("release.yaml: metrics.prometheus.url: \(error)")
      }
    }
  }
}
