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

  /// Equality that ignores map key order.
  public func isSameObject(as other: Value) -> Bool { canonical == other.canonical }
}
