import Manifest

/// Rewrites references to objects whose names changed during the build (prefix, suffix,
/// generator hash) so that, e.g., a Deployment's `configMapRef: {name: model}` names
/// `model-h4cghg7fft`. A reference is rewritten only when it names exactly one object of the
/// referred kind (preferring one in the referrer's namespace), as kustomize does.
public struct NameReferenceTransformer: Sendable {
  public init() {}

  /// The reference table split by referring kind, with paths pre-split, built once.
  static let byReferrer: [String: [(NameReference, [String], String)]] = {
    var result: [String: [(NameReference, [String], String)]] = [:]
    for reference in NameReference.table {
      result[reference.referrer ?? "*", default: []].append((reference, reference.parentPath, reference.leaf))
    }
    return result
  }()

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    // Only objects that were renamed can be referred to by an old name.
    let renamed = resources.filter { !$0.previousIDs.isEmpty }
    guard !renamed.isEmpty else { return }
    let renamedKinds = Set(renamed.compactMap(\.object.kind))
    let snapshot = resources
    for index in resources.indices {
      let referrerKind = resources[index].object.kind ?? ""
      let referrerNamespace = resources[index].object.namespace
      for (reference, parent, leaf) in (Self.byReferrer[referrerKind] ?? []) + (Self.byReferrer["*"] ?? [])
      where renamedKinds.contains(reference.kind) {
        try rewrite(&resources[index].object, reference: reference, parent: parent, leaf: leaf, namespace: referrerNamespace, candidates: snapshot)
      }
    }
  }

  private func rewrite(
    _ object: inout Value, reference: NameReference, parent parentPath: [String], leaf: String, namespace: String?,
    candidates: [Resource]
  ) throws(RenderError) {
    try Self.visitParents(&object, path: parentPath[...]) { parent in
      guard case .object(var map) = parent, let node = map[leaf] else { return }
      if let kindField = reference.kindField, map[kindField]?.stringValue != reference.kind { return }
      switch node {
      case .string(let name):
        let subjectNamespace = reference.namespaceField.flatMap { map[$0]?.stringValue }
        guard let target = Self.resolve(name, reference: reference, namespace: subjectNamespace ?? namespace, candidates: candidates)
        else { return }
        map[leaf] = .string(target.object.name ?? name)
        if let namespaceField = reference.namespaceField, let targetNamespace = target.object.namespace {
          map[namespaceField] = .string(targetNamespace)
        }
      case .object, .array:
        // A map with `name` (and `namespace`), e.g. a webhook's clientConfig.service, or a
        // list of names or such maps, e.g. an RBAC rule's resourceNames.
        map[leaf] = Self.rewriteNested(node, reference: reference, namespace: namespace, candidates: candidates)
      default:
        return
      }
      parent = .object(map)
    }
  }

  private static func rewriteNested(_ node: Value, reference: NameReference, namespace: String?, candidates: [Resource]) -> Value {
    switch node {
    case .string(let name):
      guard let target = resolve(name, reference: reference, namespace: namespace, candidates: candidates) else { return node }
      return .string(target.object.name ?? name)
    case .array(let items):
      return .array(items.map { rewriteNested($0, reference: reference, namespace: namespace, candidates: candidates) })
    case .object(var map):
      guard let name = map["name"]?.stringValue else { return node }
      var scoped = candidates
      if let ownNamespace = map["namespace"]?.stringValue {
        // As kustomize: a map naming a namespace refers only to objects that were in that
        // namespace originally, or failing any, are in it now ("" reads as "default").
        let original = candidates.filter { effective(($0.previousIDs.first ?? $0.id).namespace) == ownNamespace }
        scoped = original.isEmpty ? candidates.filter { effective($0.id.namespace) == ownNamespace } : original
      }
      guard let target = resolve(name, reference: reference, namespace: map["namespace"]?.stringValue ?? namespace, candidates: scoped)
      else { return node }
      map["name"] = .string(target.object.name ?? name)
      if let targetNamespace = target.object.namespace { map["namespace"] = .string(targetNamespace) }
      return .object(map)
    default:
      return node
    }
  }

  static func effective(_ namespace: String?) -> String {
    guard let namespace, !namespace.isEmpty else { return "default" }
    return namespace
  }

  static func resolve(_ name: String, reference: NameReference, namespace: String?, candidates: [Resource]) -> Resource? {
    let matching = candidates.filter { candidate in
      guard candidate.object.kind == reference.kind, (candidate.object.gvk?.group ?? "") == reference.group else {
        return false
      }
      return ([candidate.id] + candidate.previousIDs).contains { $0.name == name }
    }
    guard !matching.isEmpty else { return nil }
    if matching.count == 1 { return matching[0] }
    let sameNamespace = matching.filter { candidate in
      ([candidate.id] + candidate.previousIDs).contains { $0.name == name && $0.namespace == namespace }
    }
    return sameNamespace.count == 1 ? sameNamespace[0] : nil
  }

  private static func visitParents(_ value: inout Value, path: ArraySlice<String>, _ body: (inout Value) -> Void) throws(RenderError) {
    guard let head = path.first else {
      body(&value)
      return
    }
    let rest = path.dropFirst()
    guard case .object(var map) = value else { return }
    if head.hasSuffix("[]") {
      let key = String(head.dropLast(2))
      guard case .array(var items)? = map[key] else { return }
      for i in items.indices { try visitParents(&items[i], path: rest, body) }
      map[key] = .array(items)
    } else {
      guard var child = map[head] else { return }
      try visitParents(&child, path: rest, body)
      map[head] = child
    }
    value = .object(map)
  }
}
