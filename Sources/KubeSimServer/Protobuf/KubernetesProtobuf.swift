import Foundation
import Kube
import Manifest
import SwiftProtobuf

/// Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`):
/// the magic `k8s\0`, then a runtime.Unknown naming apiVersion and kind and holding the
/// object's message. kubectl's typed commands send it (`create deployment`, `create secret`,
/// `expose`, `run`, `autoscale`, `auth can-i` …). Every kind with an upstream message schema is
/// decoded (`UpstreamMessages`); others (custom resources) are refused with 415, so a client
/// knows to send JSON.
enum KubernetesProtobuf {
  static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]
  static let unknown = "k8s.io.apimachinery.pkg.runtime.Unknown"

  static func decode(_ body: [UInt8]) throws(KubeError) -> Value {
    guard body.count >= magic.count, Array(body.prefix(magic.count)) == magic else {
      throw unsupported("a body without the k8s\\0 prefix")
    }
    do {
      let envelope = try KubernetesMessage.message(unknown, bytes: Data(body[magic.count...]), depth: 0) ?? [:]
      let apiVersion = envelope[path: ["typeMeta", "apiVersion"]]?.stringValue ?? ""
      let kind = envelope[path: ["typeMeta", "kind"]]?.stringValue ?? ""
      let gvk = GroupVersionKind(apiVersion: apiVersion, kind: kind)
      guard let schema = UpstreamMessages.message(for: gvk) else { throw unsupported(kind.isEmpty ? "this object" : "\(apiVersion) \(kind)") }
      let raw = envelope["raw"]?.stringValue.flatMap { Data(base64Encoded: $0) } ?? Data()
      var object: Value = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
      for (key, value) in try KubernetesMessage(schema: schema, bytes: raw).object.objectValue ?? [:] { object[key] = value }
      return object
    } catch let error as KubeError {
      throw error
    } catch {
      throw KubeError.badRequest("the protobuf body could not be decoded: \(error)")
    }
  }

  static func unsupported(_ what: String) -> KubeError {
    .status(
      Status(
        code: 415, reason: .unsupportedMediaType,
        message: "the simulated API server decodes protobuf only for built-in kinds; send \(what) as JSON or YAML"))
  }
}
