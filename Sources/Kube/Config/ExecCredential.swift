import Foundation
import Manifest

/// The client.authentication.k8s.io ExecCredential exchanged with exec plugins.
enum ExecCredential {
  static let v1 = "client.authentication.k8s.io/v1"
  static let v1beta1 = "client.authentication.k8s.io/v1beta1"
  static let supportedAPIVersions = [v1, v1beta1]

  /// What a plugin returned, with its lifetime.
  struct Issued: Sendable {
    var credentials: ResolvedCredentials
    var expiration: Date?
  }

  /// KUBERNETES_EXEC_INFO: this process never has a terminal for the plugin to prompt on.
  static func execInfo(apiVersion: String, cluster: ClusterConnection?) -> String {
    var spec: Value = ["interactive": false]
    if let cluster {
      var info: Value = ["server": .string(cluster.server)]
      if let name = cluster.tlsServerName { info["tls-server-name"] = .string(name) }
      if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
      if let ca = cluster.certificateAuthorityPEM { info["certificate-authority-data"] = .string(ca.base64EncodedString()) }
      spec["cluster"] = info
    }
    return JSON.string(["kind": "ExecCredential", "apiVersion": .string(apiVersion), "spec": spec])
  }

  /// Parses the plugin's stdout. Messages describe the shape, never the content, which is
  /// the credential itself.
  static func parse(_ output: Data, expectedAPIVersion: String, plugin: String) throws(KubeError) -> Issued {
    let value: Value
    do throws(ManifestError) {
      value = try JSON.parse(bytes: Array(output), file: "exec plugin \(plugin) output")
    } catch {
      throw .configuration("exec plugin \(plugin): output is not valid JSON (\(error.line.map { "line \($0)" } ?? "empty"))")
    }
    guard value["kind"]?.stringValue == "ExecCredential" else {
      throw .configuration("exec plugin \(plugin): output is not an ExecCredential (kind must be ExecCredential)")
    }
    let apiVersion = String((value["apiVersion"]?.stringValue ?? "").prefix(80))
    guard apiVersion == expectedAPIVersion else {
      throw .configuration(
        "exec plugin \(plugin) is configured to use API version \(expectedAPIVersion), plugin returned version \(apiVersion.isEmpty ? "(none)" : apiVersion)")
    }
    guard let status = value["status"], status.objectValue != nil else {
      throw .configuration("exec plugin \(plugin) didn't return a status field")
    }
    let expiration = try expirationDate(status["expirationTimestamp"], plugin: plugin)
    let token = status["token"]?.stringValue ?? ""
    let certificate = status["clientCertificateData"]?.stringValue ?? ""
    let key = status["clientKeyData"]?.stringValue ?? ""
    if certificate.isEmpty != key.isEmpty {
      throw .configuration("exec plugin \(plugin) returned only a client certificate or key, not both")
    }
    if !certificate.isEmpty {
      guard token.isEmpty else {
        throw .configuration("exec plugin \(plugin) returned both a token and a client certificate; only one is supported")
      }
      return Issued(
        credentials: .clientCertificate(certificatePEM: Data(certificate.utf8), keyPEM: Data(key.utf8)),
        expiration: expiration)
    }
    guard !token.isEmpty else {
      throw .configuration("exec plugin \(plugin) didn't return a token or cert/key pair")
    }
    return Issued(credentials: .bearerToken(token), expiration: expiration)
  }

  static func expirationDate(_ value: Value?, plugin: String) throws(KubeError) -> Date? {
    guard let value, !value.isNull else { return nil }
    guard let text = value.stringValue, let date = ExecCredential.date(rfc3339: text) else {
      throw .configuration("exec plugin \(plugin): status.expirationTimestamp is not an RFC 3339 time")
    }
    return date
  }
}

extension ExecCredential {
  /// metav1.Time: RFC 3339, with or without fractional seconds.
  static func date(rfc3339 text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }
}
