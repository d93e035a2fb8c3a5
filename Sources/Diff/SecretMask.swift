public import Manifest
internal import Foundation

/// Keeps Secret values out of every output: values become placeholders that say only whether
/// they differ, as `kubectl diff` masks them. Applied before any text is made, so no formatter
/// can leak a value by mistake.
public enum SecretMask {
  public static let same = "***"
  public static let before = "*** (before)"
  public static let after = "*** (after)"

  public static func isSecret(_ object: Value?) -> Bool {
    object?.kind == "Secret" && (object?.apiVersion ?? "v1") == "v1"
  }

  /// `data` with `stringData` folded in (base64), as the API server stores a Secret.
  public static func effectiveData(_ secret: Value) -> [String: String] {
    var data: [String: String] = [:]
    for (key, value) in secret["data"]?.objectValue ?? [:] { data[key] = value.stringValue ?? "" }
    for (key, value) in secret["stringData"]?.objectValue ?? [:] {
      data[key] = Data((value.stringValue ?? "").utf8).base64EncodedString()
    }
    return data
  }

  /// Both sides masked: equal values as `***`, differing ones as before/after placeholders.
  /// A last-applied-configuration annotation (which holds the values in clear) is masked too.
  public static func mask(old: Value?, new: Value?) -> (Value?, Value?) {
    guard isSecret(old) || isSecret(new) else { return (old, new) }
    let oldData = old.map(effectiveData) ?? [:]
    let newData = new.map(effectiveData) ?? [:]
    func masked(_ object: Value?, _ mine: [String: String], _ theirs: [String: String], placeholder: String) -> Value? {
      guard var object else { return nil }
      object["stringData"] = nil
      var data: [(String, Value)] = []
      for key in mine.keys.sorted() {
        data.append((key, .string(theirs[key] == mine[key] ? same : placeholder)))
      }
      object["data"] = data.isEmpty ? nil : .object(.init(data, uniquingKeysWith: { a, _ in a }))
      let lastApplied = ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]
      if object[path: lastApplied] != nil { object[path: lastApplied] = .string(same) }
      return object
    }
    return (masked(old, oldData, newData, placeholder: before), masked(new, newData, oldData, placeholder: after))
  }

  /// Field changes of a Secret: which keys changed, were added or removed, never their values.
  public static func dataChanges(old: Value?, new: Value?) -> [FieldChange] {
    let oldData = old.map(effectiveData) ?? [:]
    let newData = new.map(effectiveData) ?? [:]
    var changes: [FieldChange] = []
    for key in Set(oldData.keys).union(newData.keys).sorted() {
      let path = FieldPath([.key("data"), .key(key)])
      switch (oldData[key], newData[key]) {
      case (nil, .some): changes.append(FieldChange(path: path, kind: .added, old: nil, new: nil))
      case (.some, nil): changes.append(FieldChange(path: path, kind: .removed, old: nil, new: nil))
      case (.some(let a), .some(let b)) where a != b: changes.append(FieldChange(path: path, kind: .changed, old: nil, new: nil))
      default: break
      }
    }
    return changes
  }
}
