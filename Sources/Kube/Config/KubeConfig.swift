/// The kubeconfig files of one invocation merged as client-go merges them: for clusters, users
/// and contexts the first file that defines a name wins, and `current-context` comes from the
/// first file that sets it.
public struct KubeConfig: Sendable {
  /// The files that were read, in precedence order.
  public private(set) var files: [String] = []
  public private(set) var clusters: [String: KubeConfigCluster] = [:]
  public private(set) var users: [String: KubeConfigUser] = [:]
  public private(set) var contexts: [String: KubeConfigContext] = [:]
  public private(set) var currentContext: String?
  /// The file `currentContext` came from.
  public private(set) var currentContextFile: String?

  public init() {}

  public var contextNames: [String] { contexts.keys.sorted() }

  /// Parses one file's text; `path` names it in errors and anchors its relative paths.
  public static func parse(_ text: String, path: String) throws(KubeError) -> KubeConfig {
    var config = KubeConfig()
    config.merge(try KubeConfigFile.parse(text, path: path))
    return config
  }

  /// Reads and merges files in precedence order.
  public static func read(files: [String]) throws(KubeError) -> KubeConfig {
    var config = KubeConfig()
    for path in files { config.merge(try KubeConfigFile.read(path: path)) }
    return config
  }

  mutating func merge(_ file: KubeConfigFile) {
    files.append(file.path)
    for (name, entry) in file.clusters where clusters[name] == nil { clusters[name] = entry }
    for (name, entry) in file.users where users[name] == nil { users[name] = entry }
    for (name, entry) in file.contexts where contexts[name] == nil { contexts[name] = entry }
    if currentContext == nil, let current = file.currentContext {
      currentContext = current
      currentContextFile = file.path
    }
  }

  var filesForMessages: String {
    switch files.count {
    case 0: return "no kubeconfig file"
    case 1: return files[0]
    default: return files.joined(separator: ", ")
    }
  }
}

/// A resolved connection and what the user should be told about it.
public struct LoadedConnection: Sendable {
  public var connection: ClusterConnection
  /// Loud, user-facing warnings, e.g. that TLS verification is disabled.
  public var warnings: [String]

  public init(connection: ClusterConnection, warnings: [String] = []) {
    self.connection = connection
    self.warnings = warnings
  }
}
