import Kube
import Manifest

/// Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`):
/// the magic `k8s\0`, then a runtime.Unknown naming apiVersion and kind and holding the
/// object's message. kubectl's typed clients send it (`create token`, `auth can-i`,
/// `autoscale`); only the kinds in `schemas` are understood, every other is refused with 415
/// so a client knows to send JSON. Field numbers are upstream's generated.proto.
enum KubernetesProtobuf {
  static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

  static func decode(_ body: [UInt8]) throws(KubeError) -> Value {
    guard body.count >= magic.count, Array(body.prefix(magic.count)) == magic else {
      throw unsupported("this body")
    }
    do {
      let (apiVersion, kind, raw) = try envelope(body[magic.count...])
      guard let schema = schemas["\(apiVersion)/\(kind)"] else { throw unsupported(kind.isEmpty ? "this object" : kind) }
      var object: Value = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
      for (key, value) in try schema.decode(raw).objectValue ?? [:] { object[key] = value }
      return object
    } catch let error as ProtobufReader.Malformed {
      throw KubeError.badRequest("the protobuf body could not be decoded: \(error.message)")
    } catch let error as KubeError {
      throw error
    } catch {
      throw KubeError.badRequest("the protobuf body could not be decoded: \(error)")
    }
  }

  /// runtime.Unknown: the type (field 1) and the object's own bytes (field 2).
  static func envelope(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Malformed) -> (
    apiVersion: String, kind: String, raw: ArraySlice<UInt8>
  ) {
    let typeMeta = ProtobufSchema([1: ProtobufSchema.string("apiVersion"), 2: ProtobufSchema.string("kind")])
    var reader = ProtobufReader(bytes)
    var meta: Value = [:]
    var raw: ArraySlice<UInt8> = []
    while let (number, payload) = try reader.next() {
      guard case .bytes(let field) = payload else { continue }
      if number == 1 { meta = try typeMeta.decode(field) }
      if number == 2 { raw = field }
    }
    return (meta["apiVersion"]?.stringValue ?? "", meta["kind"]?.stringValue ?? "", raw)
  }

  static func unsupported(_ what: String) -> KubeError {
    let kinds = schemas.keys.sorted().joined(separator: ", ")
    return .status(
      Status(
        code: 415, reason: .unsupportedMediaType,
        message: "the simulated API server decodes protobuf only for \(kinds); send \(what) as JSON or YAML"))
  }

  // MARK: - Schemas (k8s.io/api …/generated.proto)

  typealias S = ProtobufSchema

  static let objectMeta = S([
    1: S.string("name"), 2: S.string("generateName"), 3: S.string("namespace"), 5: S.string("uid"), 6: S.string("resourceVersion"),
    7: S.int("generation"), 11: S.Field(name: "labels", type: .stringMap), 12: S.Field(name: "annotations", type: .stringMap),
  ])

  static let resourceAttributes = S([
    1: S.string("namespace"), 2: S.string("verb"), 3: S.string("group"), 4: S.string("version"), 5: S.string("resource"),
    6: S.string("subresource"), 7: S.string("name"),
  ])

  static let nonResourceAttributes = S([1: S.string("path"), 2: S.string("verb")])

  static let subjectAccessReviewSpec = S([
    1: S.message("resourceAttributes", resourceAttributes), 2: S.message("nonResourceAttributes", nonResourceAttributes),
    3: S.string("user"), 4: S.strings("groups"), 5: S.Field(name: "extra", type: .stringListMap), 6: S.string("uid"),
  ])

  static let schemas: [String: ProtobufSchema] = [
    "authentication.k8s.io/v1/TokenRequest": S([
      1: S.message("metadata", objectMeta),
      2: S.message(
        "spec",
        S([
          1: S.strings("audiences"), 4: S.int("expirationSeconds"),
          3: S.message("boundObjectRef", S([1: S.string("kind"), 2: S.string("apiVersion"), 3: S.string("name"), 4: S.string("uid")])),
        ])),
    ]),
    "authentication.k8s.io/v1/SelfSubjectReview": S([1: S.message("metadata", objectMeta)]),
    // What `kubectl autoscale` posts; its status is the server's to fill.
    "autoscaling/v1/HorizontalPodAutoscaler": S([
      1: S.message("metadata", objectMeta),
      2: S.message(
        "spec",
        S([
          1: S.message("scaleTargetRef", S([1: S.string("kind"), 2: S.string("name"), 3: S.string("apiVersion")])),
          2: S.int("minReplicas"), 3: S.int("maxReplicas"), 4: S.int("targetCPUUtilizationPercentage"),
        ])),
    ]),
    "authorization.k8s.io/v1/SelfSubjectAccessReview": S([
      1: S.message("metadata", objectMeta),
      2: S.message(
        "spec", S([1: S.message("resourceAttributes", resourceAttributes), 2: S.message("nonResourceAttributes", nonResourceAttributes)])),
    ]),
    "authorization.k8s.io/v1/SubjectAccessReview": S([1: S.message("metadata", objectMeta), 2: S.message("spec", subjectAccessReviewSpec)]),
    "authorization.k8s.io/v1/LocalSubjectAccessReview": S([
      1: S.message("metadata", objectMeta), 2: S.message("spec", subjectAccessReviewSpec),
    ]),
    "authorization.k8s.io/v1/SelfSubjectRulesReview": S([
      1: S.message("metadata", objectMeta), 2: S.message("spec", S([1: S.string("namespace")])),
    ]),
  ]
}
