public import Manifest

/// Where a transformer writes, as data (kustomize's field specs): a path such as
/// `spec/template/metadata/labels` or `spec/containers[]/image`, optionally limited to a kind
/// and group, and whether missing maps on the way are created.
public struct FieldSpec: Sendable, Hashable {
  public var path: [String]
  public var kind: String?
  public var group: String?
  public var create: Bool

  public init(_ path: String, kind: String? = nil, group: String? = nil, create: Bool = false) {
    self.path = path.split(separator: "/").map(String.init)
    self.kind = kind
    self.group = group
    self.create = create
  }

  public func applies(to object: Value) -> Bool {
    if let kind, object.kind != kind { return false }
    if let group, (object.gvk?.group ?? "") != group { return false }
    return true
  }

  /// Calls `body` on every value at the path. With `create`, missing maps are created (never
  /// through a list); without it, objects lacking the path are left alone.
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
    let rest = path.dropFirst()
    if head.hasSuffix("[]") {
      let key = String(head.dropLast(2))
      guard case .object(var object) = value, case .array(var items)? = object[key] else { return }
      for index in items.indices { try visit(&items[index], rest, create: false, body) }
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
