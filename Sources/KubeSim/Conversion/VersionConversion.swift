import Kube
public import Manifest

/// Kinds served in more than one version are stored in one (the storage version) and
/// converted on the way in and out, as kube-apiserver does: a client reads and writes the
/// version in its URL or body, controllers see only the storage version.
public enum VersionConversion {
  /// The version an object of this group and kind is stored in, when it is served in others too.
  static func storageVersion(group: String, kind: String) -> String? {
    group == "autoscaling" && kind == "HorizontalPodAutoscaler" ? "v2" : nil
  }

  public static func needsConversion(_ gvk: GroupVersionKind) -> Bool {
    storageVersion(group: gvk.group, kind: gvk.kind).map { $0 != gvk.version } ?? false
  }

  /// The object in its storage version (unchanged when it already is, or its kind has one version).
  public static func toStorage(_ object: Value) -> Value {
    guard let gvk = object.gvk, needsConversion(gvk) else { return object }
    return HPAConversion.v1ToV2(object)
  }

  /// The stored object as a client of `version` reads it.
  public static func fromStorage(_ object: Value, to version: String) -> Value {
    guard let gvk = object.gvk, let storage = storageVersion(group: gvk.group, kind: gvk.kind), version != storage, !version.isEmpty else {
      return object
    }
    return version == "v1" ? HPAConversion.v2ToV1(object) : object
  }
}
