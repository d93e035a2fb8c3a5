import Kube
import Manifest

/// Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, Warn when not given), as
/// kube-apiserver does it for built-in kinds: a field its schema does not declare is an error
/// (Strict) or a warning (Warn). kubectl asks for Strict by default once the OpenAPI documents
/// say the server honours the parameter. Kinds without an upstream schema (custom resources)
/// are not checked.
enum FieldValidation {
  enum Directive: String {
    case ignore = "Ignore"
    case warn = "Warn"
    case strict = "Strict"
  }

  static func directive(_ request: APIRequest) -> Directive {
    guard let raw = request.query["fieldValidation"], !raw.isEmpty else { return .warn }
    return Directive(rawValue: raw) ?? .warn
  }

  /// Dotted paths of the fields `object` has and its kind's schema does not declare, in the
  /// object's order (`spec.template.spec.containers[0].foo`, as Go's strict decoder names them).
  static func unknownFields(in object: Value, of gvk: GroupVersionKind) -> [String] {
    guard let name = UpstreamDefinitions.kinds[gvk], let schema = UpstreamDefinitions.schema(name) else { return [] }
    var found: [String] = []
    walk(object, schema: schema, path: "", into: &found)
    return found
  }

  private static func resolve(_ schema: Value) -> Value {
    var current = schema
    for _ in 0..<8 {
      if let ref = current["$ref"]?.stringValue, let name = UpstreamDefinitions.referenced(ref), let target = UpstreamDefinitions.schema(name) {
        current = target
      } else if let first = current["allOf"]?.arrayValue?.first {
        current = first
      } else {
        return current
      }
    }
    return current
  }

  private static func walk(_ value: Value, schema: Value, path: String, into found: inout [String]) {
    let schema = resolve(schema)
    if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true { return }
    switch value {
    case .object(let object):
      if let properties = schema["properties"]?.objectValue {
        for (key, child) in object {
          // Strategic-merge directives ($patch, $setElementOrder/…) are not fields, and a
          // patch's null removes a field: neither is in the object the patch makes.
          if key.hasPrefix("$") || child == .null { continue }
          let childPath = path.isEmpty ? key : "\(path).\(key)"
          guard let property = properties[key] else {
            found.append(childPath)
            continue
          }
          walk(child, schema: property, path: childPath, into: &found)
        }
      } else if let additional = schema["additionalProperties"], case .object = additional {
        for (key, child) in object { walk(child, schema: additional, path: path.isEmpty ? key : "\(path).\(key)", into: &found) }
      }
    case .array(let items):
      guard let itemSchema = schema["items"] else { return }
      for (index, item) in items.enumerated() { walk(item, schema: itemSchema, path: "\(path)[\(index)]", into: &found) }
    default:
      return
    }
  }

  /// What kube-apiserver answers for a create or update under Strict.
  static func strictError(_ fields: [String], kind: String, version: String) -> KubeError {
    .badRequest("\(kind) in version \"\(version)\" cannot be handled as a \(kind): \(decodingError(fields))")
  }

  static func decodingError(_ fields: [String]) -> String {
    "strict decoding error: " + fields.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
  }

  /// `Warning` headers (code 299, agent "-"), one per field, as kube-apiserver sends them under Warn.
  static func warnings(_ fields: [String]) -> [(String, String)] {
    fields.map { ("Warning", "299 - \"unknown field \\\"\($0)\\\"\"") }
  }
}
