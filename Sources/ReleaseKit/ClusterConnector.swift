public import EnvironmentRepo
public import Foundation
internal import Kube
internal import KubeSim

/// Resolves an environment's `cluster` (release.yaml) and the global `--kubeconfig`/`--context`
/// to a session. Either flag means "this kubeconfig": it overrides an embedded cluster too.
public struct ClusterConnector: Sendable {
  public var kubeconfig: String?
  public var context: String?
  public var environment: [String: String]

  public init(kubeconfig: String? = nil, context: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.kubeconfig = kubeconfig
    self.context = context
    self.environment = environment
  }

  public func connect(_ config: EnvironmentConfig, repository: EnvironmentRepository) throws(ReleaseFailure) -> ClusterSession {
    try connect(config.cluster, repository: repository)
  }

  /// One session per cluster of the environment, in release.yaml's order, each with the
  /// cluster's name (nil for `cluster:`). `--kubeconfig`/`--context` and RELEASE_IN_CLUSTER
  /// name one cluster, so they replace the list: rolling one cluster once per entry would be
  /// the same rollout again.
  public func connectAll(_ config: EnvironmentConfig, repository: EnvironmentRepository) throws(ReleaseFailure) -> [(name: String?, session: ClusterSession)] {
    if kubeconfig != nil || context != nil || runsInCluster { return [(nil, try connect(config.cluster, repository: repository))] }
    var sessions: [(name: String?, session: ClusterSession)] = []
    for entry in config.clusters { sessions.append((entry.name, try connect(entry.cluster, repository: repository))) }
    return sessions
  }

  /// The drift CronJob's pod checks the cluster it runs on, whatever cluster release.yaml
  /// names for people's machines (the template sets RELEASE_IN_CLUSTER=true).
  var runsInCluster: Bool { ["1", "true"].contains(environment["RELEASE_IN_CLUSTER"]?.lowercased() ?? "") }

  public func connect(_ configured: EnvironmentConfig.Cluster, repository: EnvironmentRepository) throws(ReleaseFailure) -> ClusterSession {
    if kubeconfig != nil || context != nil {
      let configuredContext: String?
      if case .kubeconfig(let name, _) = configured { configuredContext = name } else { configuredContext = nil }
      return try viaKubeconfig(path: kubeconfig, context: context ?? configuredContext)
    }
    let cluster = runsInCluster ? .inCluster : configured
    switch cluster {
    case .embedded(let name, let scenario):
      let cluster = EmbeddedCluster(repository: repository, name: name, declaredScenario: scenario)
      switch try cluster.connect() {
      case .inProcess(let sim, let source):
        return ClusterSession(api: sim, label: "\(cluster.label) (in process)", embedded: (cluster, sim, source))
      case .served(let record, let client):
        return ClusterSession(api: client, label: "\(cluster.label) served at \(record.url)", served: record)
      }
    case .kubeconfig(let name, let path):
      return try viaKubeconfig(path: path.map { Self.absolute($0, repository.root) }, context: name)
    case .inCluster:
      do {
        let loaded = try InClusterConfig(environment: environment).load()
        let client = try RESTClient(connection: loaded.connection, credentials: credentialSource(for: loaded.connection, environment: environment))
        return ClusterSession(api: client, label: "in-cluster (\(loaded.connection.server))", warnings: loaded.warnings)
      } catch {
        throw ReleaseFailure.badInput("in-cluster configuration: \(error)")
      }
    }
  }

  func viaKubeconfig(path: String?, context: String?) throws(ReleaseFailure) -> ClusterSession {
    do {
      let loaded = try KubeConfigLoader(kubeconfig: path, context: context, environment: environment).load()
      let client = try RESTClient(connection: loaded.connection, credentials: credentialSource(for: loaded.connection, environment: environment))
      return ClusterSession(
        api: client, label: "context \(loaded.connection.contextName) (\(loaded.connection.server))", warnings: loaded.warnings)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  static func absolute(_ path: String, _ root: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }
}
