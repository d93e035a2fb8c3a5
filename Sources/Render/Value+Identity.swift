import Manifest

/// An object's identity as kustomize reads it, which is laxer than the API server: only kind
/// and metadata.name are required (without apiVersion, group and version are empty), and a
/// name or namespace YAML reads as a number or boolean is its text (`name: 123` is "123").
/// Setting a name still writes a string, as kustomize's renames do.
extension Value {
  var objectName: String? { Self.identityText(self[path: ["metadata", "name"]]) }

  var objectNamespace: String? { Self.identityText(self[path: ["metadata", "namespace"]]) }

  var objectGVK: GroupVersionKind? {
    guard let kind, !kind.isEmpty else { return nil }
    return GroupVersionKind(apiVersion: apiVersion ?? "", kind: kind)
  }

  /// nil when the object lacks kind or metadata.name.
  var objectID: ResourceID? {
    guard let gvk = objectGVK, let name = objectName else { return nil }
    return ResourceID(gvk: gvk, namespace: objectNamespace, name: name)
  }

  /// A scalar as kustomize's identity fields read it; nil for null, a list or a map.
  static func identityText(_ value: Value?) -> String? {
    switch value {
    case .string(let text)?: return text
    case .int(let number)?: return String(number)
    case .float(let number)?: return YAMLWriter.scalarText(.float(number))
    case .bool(let flag)?: return flag ? "true" : "false"
    default: return nil
    }
  }
}
