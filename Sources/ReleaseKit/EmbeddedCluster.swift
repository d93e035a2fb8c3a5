public import EnvironmentRepo
internal import Foundation
public import KubeSim
internal import Manifest

/// Where the embedded cluster of a repo lives, and how to open it.
public struct EmbeddedCluster: Sendable {
  /// nil: the repo's default embedded cluster.
  public let name: String?
  public let directory: String
  /// The scenario release.yaml names for this cluster (absolute), used when it is created.
  public let declaredScenario: String?
  public var stateFile: String { directory + "/state.json" }
  public var scenarioFile: String { directory + "/scenario.yaml" }
  public var serverRecordFile: String { directory + "/server.json" }
  public var kubeconfigFile: String { directory + "/kubeconfig" }
  public var serverLogFile: String { directory + "/server.log" }

  /// The running server of this cluster, if any; a record left by a process that died is removed.
  public func servedRecord() -> SimServerRecord? {
    guard let record = SimServerRecord.read(serverRecordFile) else { return nil }
    if record.processIsAlive { return record }
    try? FileManager.default.removeItem(atPath: serverRecordFile)
    return nil
  }

  /// Commands that rewrite the state file must not race the server, which owns it while it runs.
  public func refuseWhileServed(_ action: String) throws(ReleaseFailure) {
    if let record = servedRecord() {
      throw ReleaseFailure.badInput(
        "cannot \(action) while the embedded cluster is served by `release sim start` (pid \(record.pid), \(record.url)); "
          + "stop it first with `release sim stop`")
    }
  }

  /// The default cluster lives in `.release/sim/`, a named one in `.release/sim/<name>/`
  /// (names are DNS labels, checked when release.yaml is read, so never a path).
  public init(repository: EnvironmentRepository, name: String? = nil, declaredScenario: String? = nil) {
    self.name = name
    directory = repository.root + "/.release/sim" + (name.map { "/" + $0 } ?? "")
    self.declaredScenario = declaredScenario.map { $0.hasPrefix("/") ? $0 : repository.root + "/" + $0 }
  }

  /// `embedded cluster prod` or `embedded cluster`, as messages name it.
  public var label: String { "embedded cluster" + (name.map { " \($0)" } ?? "") }

  /// The cluster `--cluster NAME` names, with the scenario an environment declares for it.
  public static func named(_ name: String?, in repository: EnvironmentRepository) throws(ReleaseFailure) -> EmbeddedCluster {
    // A broken release.yaml is reported, not skipped: skipping it would send the user looking
    // for a cluster name that is spelled right.
    do {
      for environment in try repository.environmentNames() {
        for entry in try repository.config(of: environment).clusters {
          guard case .embedded(let declared, let scenario) = entry.cluster, declared == name else { continue }
          return EmbeddedCluster(repository: repository, name: name, declaredScenario: scenario)
        }
      }
    } catch {
      if name != nil { throw ReleaseFailure.badInput("\(error)") }
    }
    if let name {
      throw ReleaseFailure.badInput(
        "--cluster \(name): no environment's release.yaml names an embedded cluster \(name) (cluster: {embedded: {name: \(name)}})")
    }
    return EmbeddedCluster(repository: repository)
  }

  /// The scenario the cluster was created from (copied in at creation), `--scenario` for a new one, or the default.
  public func scenario(override: String?) throws(ReleaseFailure) -> (Scenario, String) {
    let source: String
    let file: String
    let exists = FileManager.default.fileExists(atPath: stateFile)
    if exists, let override {
      // Silently keeping the old cluster would run the user's commands on nodes they did not ask for.
      throw ReleaseFailure.badInput(
        "--scenario \(override): the embedded cluster already exists (\(PathDisplay.relativize(stateFile, to: ""))); "
          + "run `release sim reset` first to start one from a new scenario")
    }
    if exists, let saved = try? String(contentsOfFile: scenarioFile, encoding: .utf8) {
      (source, file) = (saved, scenarioFile)
    } else if let override {
      guard let text = try? String(contentsOfFile: override, encoding: .utf8) else {
        throw ReleaseFailure.badInput("--scenario \(override): cannot read file")
      }
      (source, file) = (text, override)
    } else if let declaredScenario {
      guard let text = try? String(contentsOfFile: declaredScenario, encoding: .utf8) else {
        throw ReleaseFailure.badInput("\(declaredScenario): cannot read the scenario release.yaml names for the \(label)")
      }
      (source, file) = (text, declaredScenario)
    } else {
      (source, file) = (DefaultScenario.yaml, "<default scenario>")
    }
    do {
      return (try Scenario(yaml: source, file: file), source)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  public func open(scenarioOverride: String? = nil) throws(ReleaseFailure) -> (KubeSim, String) {
    let (scenario, source) = try scenario(override: scenarioOverride)
    do {
      return (try SimSnapshot.load(stateFile, scenario: scenario), source)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  public func save(_ sim: KubeSim, scenarioSource: String) async throws(ReleaseFailure) {
    do {
      try await SimSnapshot.save(sim, to: stateFile)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    // Without its scenario the saved state would reopen on the default nodes: a lost write is an error.
    do {
      try Data(scenarioSource.utf8).write(to: URL(fileURLWithPath: scenarioFile), options: .atomic)
    } catch {
      throw ReleaseFailure.badInput("\(PathDisplay.relativize(scenarioFile, to: "")): cannot save the embedded cluster's scenario: \(error.localizedDescription)")
    }
  }
}
