public import Manifest

/// One object travelling through a build, with the history kustomize keeps beside it.
public struct Resource: Sendable, Hashable {
  public var object: Value
  /// Identities this object had earlier in the build (before namespace, prefix/suffix or hash
  /// changes), oldest first. References to any of them (a pod template's configMapRef to "cm")
  /// are rewritten to the current name by the name-reference pass.
  public var previousIDs: [ResourceID]
  /// Set by generators (unless disableNameSuffixHash): the content-hash suffix is appended once
  /// the object's content is final.
  public var needsHashSuffix: Bool
  /// Generator behavior when this came from a generator: "create", "merge" or "replace".
  public var generatorBehavior: String?
  /// The file (or generator) the object came from, for error messages.
  public var origin: String
  /// Each `namePrefix` / `nameSuffix` applied to this object, innermost kustomization first:
  /// kustomize tells apart candidates for a name reference by them (a base reused under two
  /// prefixes has two ConfigMaps once named alike; each Deployment keeps its own).
  public var namePrefixes: [String] = []
  public var nameSuffixes: [String] = []
  /// Annotations held as the text they were written with (`0x1F`) that YAML reads as another
  /// type (31), by key: a JSON 6902 patch takes the object through JSON, where kustomize sees,
  /// and writes back, the typed value. An entry counts only while its annotation still holds
  /// that text.
  public var plainAnnotations: [String: PlainScalar] = [:]

  public init(
    object: Value, origin: String, previousIDs: [ResourceID] = [], needsHashSuffix: Bool = false,
    generatorBehavior: String? = nil
  ) {
    self.object = object
    self.origin = origin
    self.previousIDs = previousIDs
    self.needsHashSuffix = needsHashSuffix
    self.generatorBehavior = generatorBehavior
  }

  /// Current identity; objects without apiVersion/kind/name are rejected when loaded.
  public var id: ResourceID {
    object.objectID ?? ResourceID(gvk: GroupVersionKind(group: "", version: "", kind: ""), namespace: nil, name: "")
  }

  /// The identity the object was loaded with.
  public var originalID: ResourceID { previousIDs.first ?? id }

  /// Records the current identity as a previous one before a transformer renames the object.
  public mutating func rememberCurrentID() {
    let current = id
    if previousIDs.last != current { previousIDs.append(current) }
  }
}
