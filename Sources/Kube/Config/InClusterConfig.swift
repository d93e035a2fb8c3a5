public import Foundation

/// The service account of the pod this process runs in, as client-go's InClusterConfig reads it.
public struct InClusterConfig: Sendable {
  public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

  public var environment: [String: String]
  public var serviceAccountDirectory: String

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    serviceAccountDirectory: String = InClusterConfig.defaultServiceAccountDirectory
  ) {
    self.environment = environment
    self.serviceAccountDirectory = serviceAccountDirectory
  }

  var host: String? { environment["KUBERNETES_SERVICE_HOST"].flatMap { $0.isEmpty ? nil : $0 } }
  var port: String? { environment["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 } }

  /// Whether the service environment variables are present, as kubelet sets them in every pod.
  public var isAvailable: Bool { host != nil && port != nil }

  var tokenPath: String { file("token") }
  var caPath: String { file("ca.crt") }
  var namespacePath: String { file("namespace") }

  func file(_ name: String) -> String {
    URL(fileURLWithPath: serviceAccountDirectory, isDirectory: true).appendingPathComponent(name).path
  }

  /// The token stays a file reference so that kubelet's rotation of it is picked up.
  /// A missing CA is a warning, not an error, as in client-go (the system roots are used).
  public func load(namespace override: String? = nil) throws(KubeError) -> LoadedConnection {
    guard let host, let port else {
      throw .configuration(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set to use the in-cluster service account")
    }
    guard FileManager.default.isReadableFile(atPath: tokenPath) else {
      throw .configuration("in-cluster config: cannot read the service account token \(tokenPath)")
    }
    // IPv6 literals need brackets in a URL, as net.JoinHostPort adds them.
    let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    var warnings: [String] = []
    let ca = FileManager.default.contents(atPath: caPath)
    if ca == nil {
      warnings.append("in-cluster config: cannot read \(caPath); the API server certificate is checked against the system roots")
    }
    let namespace = [override, environment["POD_NAMESPACE"], namespaceFromFile()]
      .compactMap { $0 }.first { !$0.isEmpty } ?? "default"
    let connection = ClusterConnection(
      server: "https://\(hostPart):\(port)", certificateAuthorityPEM: ca,
      credentials: .tokenFile(tokenPath), namespace: namespace, contextName: "in-cluster")
    return LoadedConnection(connection: connection, warnings: warnings)
  }

  func namespaceFromFile() -> String? {
    guard let data = FileManager.default.contents(atPath: namespacePath) else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
