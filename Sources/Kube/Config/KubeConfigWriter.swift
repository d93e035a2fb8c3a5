import Foundation
import Manifest

/// Writes a self-contained kubeconfig for one connection: one cluster, one user and one
/// context, made current. Certificates go inline as `-data` so the file can be moved alone.
public enum KubeConfigWriter {
  /// - Parameters:
  ///   - clusterName/userName: entry names; both default to the context name.
  public static func yaml(for connection: ClusterConnection, clusterName: String? = nil, userName: String? = nil) -> String {
    let context = connection.contextName
    let cluster = clusterName ?? context
    let user = userName ?? context
    return YAMLWriter.string([
      "apiVersion": "v1",
      "kind": "Config",
      "clusters": [["name": .string(cluster), "cluster": clusterValue(connection)]],
      "users": [["name": .string(user), "user": userValue(connection.credentials)]],
      "contexts": [[
        "name": .string(context),
        "context": ["cluster": .string(cluster), "user": .string(user), "namespace": .string(connection.namespace)],
      ]],
      "current-context": .string(context),
      "preferences": [:],
    ])
  }

  /// Writes the kubeconfig readable by the owner only, as kubectl does, since it holds
  /// credentials; missing parent directories are created.
  public static func write(
    _ connection: ClusterConnection, to path: String, clusterName: String? = nil, userName: String? = nil
  ) throws(KubeError) {
    let text = yaml(for: connection, clusterName: clusterName, userName: userName)
    let manager = FileManager.default
    let directory = (path as NSString).deletingLastPathComponent
    do {
      if !directory.isEmpty { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
      // Created with 0600 before any secret is written, then replaced in one rename.
      let temporary = path + ".tmp-\(getpid())"
      guard manager.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
        throw CocoaError(.fileWriteUnknown)
      }
      if rename(temporary, path) != 0 {
        let reason = String(cString: strerror(errno))
        try? manager.removeItem(atPath: temporary)
        throw KubeError.configuration("\(path): cannot write kubeconfig: \(reason)")
      }
    } catch let error as KubeError {
      throw error
    } catch {
      throw .configuration("\(path): cannot write kubeconfig: \(KubeConfigPaths.readFailureReason(error))")
    }
  }

  static func clusterValue(_ connection: ClusterConnection) -> Value {
    var cluster: Value = ["server": .string(connection.server)]
    if let ca = connection.certificateAuthorityPEM { cluster["certificate-authority-data"] = .string(ca.base64EncodedString()) }
    if let name = connection.tlsServerName { cluster["tls-server-name"] = .string(name) }
    if connection.insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
    return cluster
  }

  static func userValue(_ credentials: Credentials) -> Value {
    switch credentials {
    case .none:
      return [:]
    case .token(let token):
      return ["token": .string(token)]
    case .tokenFile(let path):
      return ["tokenFile": .string(path)]
    case .clientCertificate(let certificate, let key):
      return [
        "client-certificate-data": .string(certificate.base64EncodedString()),
        "client-key-data": .string(key.base64EncodedString()),
      ]
    case .exec(let config):
      var exec: Value = [
        "apiVersion": .string(config.apiVersion),
        "command": .string(config.command),
        "interactiveMode": "Never",
      ]
      if !config.args.isEmpty { exec["args"] = .array(config.args.map { .string($0) }) }
      if !config.env.isEmpty {
        exec["env"] = .array(config.env.map { ["name": .string($0.name), "value": .string($0.value)] })
      }
      if let hint = config.installHint { exec["installHint"] = .string(hint) }
      if config.provideClusterInfo { exec["provideClusterInfo"] = true }
      return ["exec": exec]
    }
  }
}
