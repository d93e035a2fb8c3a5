public import Manifest

/// kustomize's content hash for generated names (api/hasher): SHA-256 of a canonical JSON of
/// the object's kind and data, first 10 hex digits, with 0/1/3/a/e remapped so the suffix
/// never looks like a number or a word. kustomize v5 hashes with an empty `name` and without
/// `immutable` (observed against kubectl 1.32's kustomize v5.5.0), so a prefix or an
/// immutable flag does not change the suffix.
public enum ContentHash {
  public static func suffix(for object: Value) throws(RenderError) -> String {
    let hex = SHA256.hex(of: Array(GoJSON.string(canonical(object)).utf8))
    return String(hex.prefix(10).map { c -> Character in
      switch c {
      case "0": return "g"
      case "1": return "h"
      case "3": return "k"
      case "a": return "m"
      case "e": return "t"
      default: return c
      }
    })
  }

  static func canonical(_ object: Value) -> Value {
    var m: Value = [:]
    switch object.kind {
    case "ConfigMap":
      m["kind"] = "ConfigMap"
      m["name"] = ""
      m["data"] = object["data"] ?? .object([:])
      if let binary = object["binaryData"], binary.objectValue?.isEmpty == false { m["binaryData"] = binary }
    case "Secret":
      m["kind"] = "Secret"
      m["name"] = ""
      m["type"] = object["type"] ?? ""
      m["data"] = object["data"] ?? .object([:])
      if let stringData = object["stringData"], stringData.objectValue?.isEmpty == false {
        m["stringData"] = stringData
      }
    default:
      return object
    }
    return m
  }
}

/// Appends the content hash to generated objects, once their content is final.
public struct HashSuffixTransformer: Sendable {
  public init() {}

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    for index in resources.indices where resources[index].needsHashSuffix {
      let suffix = try ContentHash.suffix(for: resources[index].object)
      resources[index].rememberCurrentID()
      resources[index].object.name = (resources[index].object.objectName ?? "") + "-" + suffix
      resources[index].needsHashSuffix = false
    }
  }
}
