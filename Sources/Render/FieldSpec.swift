public import Manifest

/// Where a transformer writes, as data (kustomize's field specs): a path such as
/// `spec/template/metadata/labels` or `spec/containers[]/image`, optionally limited to a kind
/// group and version, and whether missing maps on the way are created. A list met on the way is
/// walked element by element whether or not the path marks it with `[]`, as kustomize walks it.
public struct FieldSpec: Sendable, Hashable {
  public var path: [String]
  public var kind: String?
  public var group: String?
  public var version: String?
  public var create: Bool

  public init(_ path: String, kind: String? = nil, group: String? = nil, version: String? = nil, create: Bool = false) {
    self.path = path.split(separator: "/").map(String.init)
    self.kind = kind
    self.group = group
    self.version = version
    self.create = create
  }

  public func applies(to object: Value) -> Bool {
    if let kind, !kind.isEmpty, object.kind != kind { return false }
    if let group, !group.isEmpty, (object.objectGVK?.group ?? "") != group { return false }
    if let version, !version.isEmpty, (object.objectGVK?.version ?? "") != version { return false }
    return true
  }

  /// kustomize's "same field spec": the same path, and `other`'s kind, group and version (those
  /// it names) select this one's. Merging a second with another `create` is an error there.
  func isSame(as other: FieldSpec) -> Bool {
    guard path == other.path else { return false }
    func selected(_ mine: String?, _ theirs: String?) -> Bool {
      guard let theirs, !theirs.isEmpty else { return true }
      return (mine ?? "") == theirs
    }
    return selected(kind, other.kind) && selected(group, other.group) && selected(version, other.version)
  }

  /// Calls `body` on every value at the path. With `create`, missing maps are created (never
  /// a list, but inside each element of one); without it, objects lacking the path are left
  /// alone.
  public func visit(_ object: inout Value, _ body: (inout Value) throws(RenderError) -> Void) throws(RenderError) {
    guard applies(to: object) else { return }
    try Self.visit(&object, path[...], create: create, body)
  }

  private static func visit(
    _ value: inout Value, _ path: ArraySlice<String>, create: Bool,
    _ body: (inout Value) throws(RenderError) -> Void
  ) throws(RenderError) {
    guard let head = path.first else {
      try body(&value)
      return
    }
    if case .array(var items) = value {
      for index in items.indices { try visit(&items[index], path, create: create, body) }
      value = .array(items)
      return
    }
    let rest = path.dropFirst()
    if head.hasSuffix("[]") {
      let key = String(head.dropLast(2))
      guard case .object(var object) = value, case .array(var items)? = object[key] else { return }
      for index in items.indices { try visit(&items[index], rest, create: create, body) }
      object[key] = .array(items)
      value = .object(object)
      return
    }
    guard case .object(var object) = value else { return }
    var child: Value
    if let existing = object[head], !existing.isNull {
      child = existing
    } else if create {
      child = rest.isEmpty ? .null : .object([:])
    } else {
      return
    }
    try visit(&child, rest, create: create, body)
    object[head] = child
    value = .object(object)
  }
}
