import Manifest

/// `namePrefix` / `nameSuffix`. Kinds whose names are global or fixed (Namespace, CRDs,
/// API services …) keep their names, as in kustomize's default prefix/suffix field specs.
public struct NameAffixTransformer: Sendable {
  public var prefix: String
  public var suffix: String

  static let untouchedKinds: Set<String> = ["Namespace", "CustomResourceDefinition", "APIService"]

  public init(prefix: String?, suffix: String?) {
    self.prefix = prefix ?? ""
    self.suffix = suffix ?? ""
  }

  public func apply(to resources: inout [Resource]) {
    guard !prefix.isEmpty || !suffix.isEmpty else { return }
    for index in resources.indices {
      guard let name = resources[index].object.objectName,
        !Self.untouchedKinds.contains(resources[index].object.kind ?? "")
      else { continue }
      // As kustomize: the prefix, then the suffix, each a rename of its own.
      if !prefix.isEmpty {
        resources[index].namePrefixes.append(prefix)
        resources[index].rememberCurrentID()
        resources[index].object.name = prefix + name
      }
      if !suffix.isEmpty {
        resources[index].nameSuffixes.append(suffix)
        resources[index].rememberCurrentID()
        resources[index].object.name = (resources[index].object.objectName ?? name) + suffix
      }
    }
  }
}
