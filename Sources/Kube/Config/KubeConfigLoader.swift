public import Foundation

/// Finds and loads kubeconfig files the way kubectl does: `--kubeconfig` (that file only, which
/// must exist), else every existing file in `KUBECONFIG`, else `$HOME/.kube/config`.
/// The environment is injected so that tests, not the process, decide what HOME and
/// KUBECONFIG are.
public struct KubeConfigLoader: Sendable {
  /// `--kubeconfig`.
  public var explicitPath: String?
  /// `--context`.
  public var context: String?
  /// `--namespace`.
  public var namespace: String?
  public var environment: [String: String]
  /// Anchors a relative `--kubeconfig` path.
  public var workingDirectory: String

  public init(
    kubeconfig explicitPath: String? = nil, context: String? = nil, namespace: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    workingDirectory: String = FileManager.default.currentDirectoryPath
  ) {
    self.explicitPath = explicitPath
    self.context = context
    self.namespace = namespace
    self.environment = environment
    self.workingDirectory = workingDirectory
  }

  /// The files that would be read, in precedence order, before checking they exist.
  public var searchPath: [String] {
    if let explicitPath, !explicitPath.isEmpty {
      return [KubeConfigPaths.resolve(explicitPath, against: workingDirectory)]
    }
    if let list = environment["KUBECONFIG"], !list.isEmpty {
      var seen: Set<String> = []
      return list.split(separator: ":", omittingEmptySubsequences: true)
        .map { KubeConfigPaths.resolve(String($0), against: workingDirectory) }
        .filter { seen.insert($0).inserted }
    }
    guard let home = environment["HOME"], !home.isEmpty else { return [] }
    return [URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".kube/config").path]
  }

  /// The merged configuration. Missing files in KUBECONFIG are skipped; a missing
  /// `--kubeconfig` file is an error.
  public func loadConfig() throws(KubeError) -> KubeConfig {
    let candidates = searchPath
    if let explicitPath, !explicitPath.isEmpty {
      let path = candidates[0]
      guard FileManager.default.fileExists(atPath: path) else {
        throw .configuration("\(path): kubeconfig given by --kubeconfig does not exist")
      }
      return try KubeConfig.read(files: [path])
    }
    let existing = candidates.filter { FileManager.default.fileExists(atPath: $0) }
    guard !existing.isEmpty else { throw .configuration(noConfigurationMessage(candidates)) }
    return try KubeConfig.read(files: existing)
  }

  /// Loads, merges and resolves the chosen context.
  public func load() throws(KubeError) -> LoadedConnection {
    try loadConfig().connection(context: context, namespace: namespace)
  }

  /// kubectl's fallback: with no kubeconfig file at all and no `--kubeconfig`/`--context`,
  /// a process running in a pod uses its service account.
  public func load(inClusterFallback inCluster: InClusterConfig) throws(KubeError) -> LoadedConnection {
    let noOverrides = (explicitPath ?? "").isEmpty && (context ?? "").isEmpty
    let noFiles = !searchPath.contains { FileManager.default.fileExists(atPath: $0) }
    if noOverrides, noFiles, inCluster.isAvailable {
      return try inCluster.load(namespace: namespace)
    }
    return try load()
  }

  func noConfigurationMessage(_ candidates: [String]) -> String {
    if candidates.isEmpty {
      let reason = environment["KUBECONFIG"].map { $0.isEmpty ? "HOME is not set" : "KUBECONFIG names no file" } ?? "HOME is not set"
      return "no kubeconfig found: \(reason); set KUBECONFIG or pass --kubeconfig"
    }
    let source = environment["KUBECONFIG"].map { $0.isEmpty ? "" : " (from KUBECONFIG)" } ?? ""
    return "no kubeconfig found: none of \(candidates.joined(separator: ", ")) exists\(source); set KUBECONFIG or pass --kubeconfig"
  }
}
