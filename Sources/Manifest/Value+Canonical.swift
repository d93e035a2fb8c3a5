import OrderedCollections

extension Value {
  /// The same value with every map's keys in kustomize's output order. Two values are the
  /// same Kubernetes object when their canonical forms are equal: map order carries no meaning.
  public var canonical: Value {
    switch self {
    case .object(let map):
      let keys = map.keys.sorted(by: KeyOrder.less)
      return .object(OrderedDictionary(uniqueKeysWithValues: keys.map { ($0, map[$0]?.canonical ?? .null) }))
    case .array(let items):
      return .array(items.map(\.canonical))
    default:
      return self
    }
  }

  /// Equality that ignores map key order: `canonical == other.canonical`, without building
  /// either sorted copy (the simulation compares templates and stored objects on every pass).
  public func isSameObject(as other: Value) -> Bool {
    switch (self, other) {
    case (.object(let mine), .object(let theirs)):
      guard mine.count == theirs.count else { return false }
      for (key, value) in mine {
        guard let other = theirs[key], value.isSameObject(as: other) else { return false }
      }
      return true
    case (.array(let mine), .array(let theirs)):
      return mine.count == theirs.count && zip(mine, theirs).allSatisfy { $0.isSameObject(as: $1) }
    default:
      return self == other
    }
  }
}
