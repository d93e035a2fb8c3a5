import Kube
import Manifest

/// The API's own description, as kube-apiserver publishes it: `/openapi/v2` (Swagger 2.0, every
/// kind) and `/openapi/v3` (a root naming one document per group version). Schemas are
/// upstream's (`UpstreamDefinitions`); paths come from what this server serves, with the PATCH
/// operation of each resource listing the query parameters kubectl looks for (`fieldValidation`
/// tells it that the server validates fields, so it sends `fieldValidation=Strict` instead of
/// validating on its own).
struct OpenAPIDocuments: Sendable {
  let discovery: Discovery

  static let title = "Kubernetes"
  static let queryParameters = ["dryRun", "fieldManager", "fieldValidation", "force"]

  // MARK: - v2

  var v2: Value {
    var paths: [(String, Value)] = []
    for info in discovery.resources where info.verbs.contains("patch") {
      let parameters: Value = .array(
        Self.queryParameters.map { ["name": .string($0), "in": "query", "type": "string", "uniqueItems": true] })
      paths.append((Self.itemPath(info), ["patch": operation(info, parameters: parameters)]))
    }
    return [
      "swagger": "2.0", "info": ["title": .string(Self.title), "version": .string(UpstreamDefinitions.kubernetesVersion)],
      "paths": .object(.init(paths, uniquingKeysWith: { first, _ in first })),
      "definitions": UpstreamDefinitions.definitions,
    ]
  }

  // MARK: - v3

  var v3Root: Value {
    var paths: [(String, Value)] = []
    for (group, versions) in [("", ["v1"])] + discovery.groups.map({ ($0.name, $0.versions) }) {
      for version in versions {
        let key = Self.v3Key(group: group, version: version)
        paths.append((key, ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash(group: group, version: version))")]))
      }
    }
    return ["paths": .object(.init(paths, uniquingKeysWith: { first, _ in first }))]
  }

  static func v3Key(group: String, version: String) -> String {
    group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
  }

  /// One group version's document: its resources' PATCH operations and, as upstream's
  /// per-group-version documents do, only the schemas its kinds reach.
  func v3(group: String, version: String) -> Value? {
    let infos = discovery.served(group: group, version: version)
    if infos.isEmpty { return nil }
    var paths: [(String, Value)] = []
    let parameters: Value = .array(Self.queryParameters.map { ["name": .string($0), "in": "query", "schema": ["type": "string", "uniqueItems": true]] })
    var roots: [String] = []
    for info in infos {
      if info.verbs.contains("patch") { paths.append((Self.itemPath(info), ["patch": operation(info, parameters: parameters)])) }
      if let name = UpstreamDefinitions.kinds[info.gvk] { roots.append(name) }
      if let list = UpstreamDefinitions.kinds[GroupVersionKind(group: group, version: version, kind: info.kind + "List")] { roots.append(list) }
    }
    var schemas: [(String, Value)] = []
    for name in Self.closure(roots) {
      guard let schema = UpstreamDefinitions.schema(name) else { continue }
      var converted = Self.v3Schema(schema)
      if let types = Self.v3OneOf[name] {
        converted["type"] = nil
        converted["format"] = nil
        converted["oneOf"] = .array(types.map { ["type": .string($0)] })
      }
      schemas.append((name, converted))
    }
    return [
      "openapi": "3.0.0", "info": ["title": .string(Self.title), "version": .string(UpstreamDefinitions.kubernetesVersion)],
      "paths": .object(.init(paths, uniquingKeysWith: { first, _ in first })),
      "components": ["schemas": .object(.init(schemas, uniquingKeysWith: { first, _ in first }))],
    ]
  }

  /// Types whose OpenAPI 3 schema says what they are with `oneOf` (kube-openapi's
  /// `OpenAPIV3OneOfTypes`), where Swagger can only say string.
  static let v3OneOf: [String: [String]] = [
    "io.k8s.apimachinery.pkg.api.resource.Quantity": ["string", "number"],
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": ["integer", "string"],
  ]

  /// kubectl caches each group version's document on disk under this hash: it changes when
  /// the served kinds or the schemas' Kubernetes version do.
  func hash(group: String, version: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let text = UpstreamDefinitions.kubernetesVersion + discovery.served(group: group, version: version).map(\.kind).joined(separator: ",")
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16).uppercased()
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  private static func itemPath(_ info: APIResourceInfo) -> String {
    let prefix = info.group.isEmpty ? "/api/\(info.version)" : "/apis/\(info.group)/\(info.version)"
    return info.namespaced ? "\(prefix)/namespaces/{namespace}/\(info.resource)/{name}" : "\(prefix)/\(info.resource)/{name}"
  }

  private func operation(_ info: APIResourceInfo, parameters: Value) -> Value {
    [
      "description": .string("partially update the specified \(info.kind)"),
      "operationId": .string("patch\(info.kind)"),
      "parameters": parameters,
      "responses": ["200": ["description": "OK"]],
      "x-kubernetes-action": "patch",
      "x-kubernetes-group-version-kind": ["group": .string(info.group), "version": .string(info.version), "kind": .string(info.kind)],
    ]
  }

  /// Every definition `roots` reach through `$ref`, roots first, then in order of discovery.
  static func closure(_ roots: [String]) -> [String] {
    var seen = Set<String>()
    var order: [String] = []
    var queue = roots
    while let name = queue.first {
      queue.removeFirst()
      guard seen.insert(name).inserted, let schema = UpstreamDefinitions.schema(name) else { continue }
      order.append(name)
      references(in: schema, into: &queue)
    }
    return order
  }

  private static func references(in schema: Value, into names: inout [String]) {
    switch schema {
    case .object(let object):
      if let ref = object["$ref"]?.stringValue, let name = UpstreamDefinitions.referenced(ref) { names.append(name) }
      for (_, child) in object { references(in: child, into: &names) }
    case .array(let items):
      for item in items { references(in: item, into: &names) }
    default:
      break
    }
  }

  /// A Swagger schema in OpenAPI 3's form, as kube-apiserver converts its own: references into
  /// `#/components/schemas/`, and a field's reference wrapped in `allOf` (a `$ref` in OpenAPI 3.0
  /// has no siblings, and upstream gives each field a description or default beside it; kubectl
  /// explain names the referenced type, `map[string]Quantity`, from that form).
  static func v3Schema(_ schema: Value) -> Value {
    guard case .object(var object) = schema else { return schema }
    if let ref = object["$ref"]?.stringValue {
      let target: Value = ["$ref": .string(ref.replacingOccurrences(of: "#/definitions/", with: "#/components/schemas/"))]
      object.removeValue(forKey: "$ref")
      object["allOf"] = [target]
      return .object(object)
    }
    if let properties = object["properties"]?.objectValue {
      object["properties"] = .object(properties.mapValues(v3Schema))
    }
    for key in ["items", "additionalProperties"] {
      if let child = object[key], case .object = child { object[key] = v3Schema(child) }
    }
    return .object(object)
  }
}
