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
        let referrer = Referrer(id: resources[index].id, origin: resources[index].origin, path: reference.path)
        try rewrite(
          &resources[index].object, reference: reference, parent: parent, leaf: leaf, namespace: referrerNamespace,
          candidates: snapshot, referrer: referrer)
      }
    }
  }

  /// Who refers, for an error about an ambiguous reference.
  struct Referrer {
    var id: ResourceID
    var origin: String
    var path: String
  }

  private func rewrite(
    _ object: inout Value, reference: NameReference, parent parentPath: [String], leaf: String, namespace: String?,
    candidates: [Resource], referrer: Referrer
  ) throws(RenderError) {
    try Self.visitParents(&object, path: parentPath[...]) { (parent: inout Value) throws(RenderError) in
      guard case .object(var map) = parent, let node = map[leaf] else { return }
      if let kindField = reference.kindField, map[kindField]?.stringValue != reference.kind { return }
      switch node {
      case .string(let name):
        // A subject that names its namespace refers only to objects in it, as kustomize reads
        // the subject map; without one, any namespace will do.
        let subjectNamespace = reference.namespaceField.flatMap { map[$0]?.stringValue }
        let scoped = subjectNamespace.map { Self.scoped(candidates, to: $0) } ?? candidates
        guard
          let target = try Self.resolve(
            name, reference: reference, namespace: subjectNamespace ?? namespace, candidates: scoped, referrer: referrer)
        else { return }
        map[leaf] = .string(target.object.name ?? name)
        if let namespaceField = reference.namespaceField, let targetNamespace = target.object.namespace {
          map[namespaceField] = .string(targetNamespace)
        }
      case .object, .array:
        // A map with `name` (and `namespace`), e.g. a webhook's clientConfig.service, or a
        // list of names or such maps, e.g. an RBAC rule's resourceNames.
        map[leaf] = try Self.rewriteNested(node, reference: reference, namespace: namespace, candidates: candidates, referrer: referrer)
      default:
        return
      }
      parent = .object(map)
    }
  }

  private static func rewriteNested(
    _ node: Value, reference: NameReference, namespace: String?, candidates: [Resource], referrer: Referrer
  ) throws(RenderError) -> Value {
    switch node {
    case .string(let name):
      guard let target = try resolve(name, reference: reference, namespace: namespace, candidates: candidates, referrer: referrer)
      else { return node }
      return .string(target.object.name ?? name)
    case .array(let items):
      var rewritten: [Value] = []
      for item in items {
        rewritten.append(try rewriteNested(item, reference: reference, namespace: namespace, candidates: candidates, referrer: referrer))
      }
      return .array(rewritten)
    case .object(var map):
      guard let name = map["name"]?.stringValue else { return node }
      let scoped = map["namespace"]?.stringValue.map { Self.scoped(candidates, to: $0) } ?? candidates
      guard
        let target = try resolve(
          name, reference: reference, namespace: map["namespace"]?.stringValue ?? namespace, candidates: scoped, referrer: referrer)
      else { return node }
      map["name"] = .string(target.object.name ?? name)
      if let targetNamespace = target.object.namespace { map["namespace"] = .string(targetNamespace) }
      return .object(map)
    default:
      return node
    }
  }

  /// As kustomize: a reference naming a namespace refers only to objects that were in that
  /// namespace originally, or failing any, are in it now ("" reads as "default").
  static func scoped(_ candidates: [Resource], to namespace: String) -> [Resource] {
    let original = candidates.filter { effective(($0.previousIDs.first ?? $0.id).namespace) == namespace }
    return original.isEmpty ? candidates.filter { effective($0.id.namespace) == namespace } : original
  }

  static func effective(_ namespace: String?) -> String {
    guard let namespace, !namespace.isEmpty else { return "default" }
    return namespace
  }

  /// The one object a reference names. Several candidates in the referrer's namespace that do
  /// not share one name are an error: kustomize tells some such cases apart by the referrer's
  /// own name prefix and suffix, which this build does not track, and guessing would render a
  /// reference to the wrong object without a word.
  static func resolve(
    _ name: String, reference: NameReference, namespace: String?, candidates: [Resource], referrer: Referrer
  ) throws(RenderError) -> Resource? {
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
    if sameNamespace.count == 1 { return sameNamespace[0] }
    let remaining = sameNamespace.isEmpty ? matching : sameNamespace
    if Set(remaining.map { $0.object.name ?? "" }).count == 1 { return remaining[0] }
    throw RenderError(
      file: referrer.origin, field: referrer.path,
      message:
        "\(referrer.id): reference to \(reference.kind) \"\(name)\" is ambiguous: it could be "
        + remaining.map { $0.id.description }.joined(separator: ", ")
        + " (kustomize settles some of these by each base's own name-reference pass, which release render does not yet do)")
  }

  private static func visitParents(
    _ value: inout Value, path: ArraySlice<String>, _ body: (inout Value) throws(RenderError) -> Void
  ) throws(RenderError) {
    guard let head = path.first else {
      try body(&value)
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
