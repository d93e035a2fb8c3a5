internal import Foundation
public import Kube
public import KubeSim

/// How a command reaches the embedded cluster: through the server while `release sim start`
/// runs (so what kubectl changed is what we see, and the server stays the state file's only
/// writer), otherwise in this process from the saved state.
public enum EmbeddedClusterConnection: Sendable {
  case inProcess(KubeSim, scenarioSource: String)
  case served(SimServerRecord, RESTClient)

  public var api: any KubeAPI {
    switch self {
    case .inProcess(let sim, _): return sim
    case .served(_, let client): return client
    }
  }

  /// Virtual time now: exact in process; from the server's start and speed when served.
  public func virtualTime() async -> SimInstant {
    switch self {
    case .inProcess(let sim, _):
      return await sim.now
    case .served(let record, _):
      let start = SimInstant.parse(record.virtualStart) ?? SimInstant(sinceEpoch: .zero)
      let elapsed = Date().timeIntervalSince(record.realStart) * record.speed
      return start.advanced(by: .seconds(Int64(elapsed)))
    }
  }
}

extension EmbeddedCluster {
  public func connect(scenarioOverride: String? = nil) throws(ReleaseFailure) -> EmbeddedClusterConnection {
    guard let record = servedRecord() else {
      let (sim, source) = try open(scenarioOverride: scenarioOverride)
      return .inProcess(sim, scenarioSource: source)
    }
    do {
      let loaded = try KubeConfigLoader(kubeconfig: record.kubeconfig).load()
      let client = try RESTClient(connection: loaded.connection, credentials: credentialSource(for: loaded.connection))
      return .served(record, client)
    } catch {
      throw ReleaseFailure.badInput("embedded cluster served at \(record.url): \(error)")
    }
  }
}
