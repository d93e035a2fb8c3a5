import Manifest

/// Rewrites references to objects whose names changed during the build (prefix, suffix,
/// generator hash) so that, e.g., a Deployment's `configMapRef: {name: model}` names
/// `model-h4cghg7fft`. Runs once over the whole build, as kustomize's does, and picks the
/// object a reference means the way kustomize's name-reference filter does:
///
/// 1. candidates the referrer can see: all when the referrer is cluster-scoped, else
///    cluster-scoped objects, those in the referrer's namespace, and for a RoleBinding those in
///    the namespaces its ServiceAccount subjects name;
/// 2. of those, the ones that once had the referred name and type (a roleRef: its apiGroup and
///    kind), in the referrer's namespace unless cluster-scoped or a ServiceAccount;
/// 3. several left: those whose name prefixes and suffixes end as the referrer's do (a base
///    reused under two prefixes keeps each copy's references to its own objects), first letting
///    an object with none match any, then exactly;
/// 4. still several that do not share one name (and namespace, for a map reference): an error
///    naming the referrer, as kustomize fails.
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
    // Only objects that were renamed can be referred to by an old name; references to kinds
    // nothing renamed are still walked (with no candidates), as kustomize walks them, so that
    // a reference map without `name` fails either way.
    let renamedKinds = Set(resources.flatMap { $0.previousIDs.map(\.gvk.kind) })
    let candidates = resources.map(Candidate.init)
    for index in resources.indices {
      let referrerKind = resources[index].originalID.gvk.kind
      let entries = (Self.byReferrer[referrerKind] ?? []) + (Self.byReferrer["*"] ?? [])
      guard !entries.isEmpty else { continue }
      var context: Context?
      for (reference, parent, leaf) in entries {
        if renamedKinds.contains(reference.kind) {
          if context == nil { context = try Context(referrer: resources[index], all: candidates) }
          try context?.rewrite(&resources[index].object, reference: reference, parent: parent, leaf: leaf)
        } else {
          try Context.check(resources[index], resources[index].object, reference: reference, path: parent[...], leaf: leaf)
        }
      }
    }
  }

  /// A renamed object with what the selection asks of it, worked out once.
  struct Candidate {
    let resource: Resource
    let id: ResourceID
    let clusterScoped: Bool
    /// Effective namespace now ("default" for none).
    let namespace: String
    /// Effective namespace first loaded with; nil when cluster-scoped.
    let originalNamespace: String?

    init(_ resource: Resource) {
      self.resource = resource
      id = resource.id
      clusterScoped = BuiltinKinds.isClusterScoped(id.gvk.kind)
      namespace = NameReferenceTransformer.effective(id)
      originalNamespace = NameReferenceTransformer.groupingNamespace(resource.originalID)
    }
  }

  /// One referrer and the objects it can refer to.
  struct Context {
    let referrer: Resource
    let referrerID: ResourceID
    let referrerClusterScoped: Bool
    let referrerNamespace: String
    /// For a RoleBinding: the namespaces its ServiceAccount subjects name, whose objects it sees.
    let bindingNamespaces: Set<String>
    let all: [Candidate]

    init(referrer: Resource, all: [Candidate]) throws(RenderError) {
      self.referrer = referrer
      self.all = all
      referrerID = referrer.id
      referrerClusterScoped = BuiltinKinds.isClusterScoped(referrerID.gvk.kind)
      referrerNamespace = NameReferenceTransformer.effective(referrerID)
      bindingNamespaces = referrerClusterScoped ? [] : try Self.serviceAccountNamespaces(of: referrer)
    }

    /// Whether the referrer can see a candidate at all: a cluster-scoped referrer sees all; a
    /// namespaced one cluster-scoped objects, its own namespace, and its bound subjects'.
    func sees(_ candidate: Candidate) -> Bool {
      referrerClusterScoped || candidate.clusterScoped || candidate.namespace == referrerNamespace
        || bindingNamespaces.contains(candidate.resource.object.objectNamespace ?? "")
    }

    /// The namespaces a RoleBinding's ServiceAccount subjects name.
    static func serviceAccountNamespaces(of referrer: Resource) throws(RenderError) -> Set<String> {
      guard referrer.object.kind == "RoleBinding", let subjects = referrer.object["subjects"]?.arrayValue else { return [] }
      var namespaces: Set<String> = []
      for subject in subjects {
        guard let map = subject.objectValue, let namespace = map["namespace"], map["kind"]?.stringValue == "ServiceAccount"
        else { continue }
        guard let name = namespace.stringValue else {
          throw RenderError(
            file: referrer.origin, field: "subjects",
            message: "\(referrer.id): a ServiceAccount subject's namespace must be a string")
        }
        namespaces.insert(name)
      }
      return namespaces
    }

    func rewrite(_ object: inout Value, reference: NameReference, parent parentPath: [String], leaf: String)
      throws(RenderError)
    {
      try NameReferenceTransformer.visitParents(&object, path: parentPath[...]) { (parent: inout Value) throws(RenderError) in
        guard case .object(var map) = parent, let node = map[leaf] else { return }
        // Any scalar is a name, as kustomize reads the node's text: `name: 2024` too.
        switch node {
        case .string, .int, .float, .bool, .object:
          map[leaf] = try rewriteNode(node, reference: reference)
        case .array(let items):
          var rewritten: [Value] = []
          for item in items {
            switch item {
            case .string, .int, .float, .bool, .object: rewritten.append(try rewriteNode(item, reference: reference))
            case .null: rewritten.append(item)
            default:
              throw error(reference, "\(item) is expected to be either a string or a map of string")
            }
          }
          map[leaf] = .array(rewritten)
        default:
          return
        }
        parent = .object(map)
      }
    }

    /// What `rewrite` refuses, without writing: a reference map with no `name`, a list item
    /// neither a name nor such a map.
    static func check(_ referrer: Resource, _ value: Value, reference: NameReference, path: ArraySlice<String>, leaf: String)
      throws(RenderError)
    {
      guard case .object(let map) = value else { return }
      if let head = path.first {
        if head.hasSuffix("[]") {
          for item in map[String(head.dropLast(2))]?.arrayValue ?? [] {
            try check(referrer, item, reference: reference, path: path.dropFirst(), leaf: leaf)
          }
        } else if let child = map[head] {
          try check(referrer, child, reference: reference, path: path.dropFirst(), leaf: leaf)
        }
        return
      }
      switch map[leaf] {
      case .object(let node)?:
        if node["name"] == nil { throw error(referrer, reference, "path config error; no 'name' field in node") }
      case .array(let items)?:
        for item in items {
          switch item {
          case .string, .int, .float, .bool, .null: continue
          case .object(let node):
            if node["name"] == nil { throw error(referrer, reference, "path config error; no 'name' field in node") }
          default: throw error(referrer, reference, "\(item) is expected to be either a string or a map of string")
          }
        }
      default:
        return
      }
    }

    private func rewriteNode(_ node: Value, reference: NameReference) throws(RenderError) -> Value {
      switch node {
      case .string, .int, .float, .bool:
        guard let name = Value.identityText(node),
          let target = try select(name, reference: reference, from: all, sameNamespaceToo: false)
        else { return node }
        // Unchanged, a number stays a number; renamed, it is a string, as kustomize writes it.
        let newName = target.object.objectName ?? name
        return newName == name ? node : .string(newName)
      case .object(var map):
        // A map with `name` (and `namespace`): an RBAC subject, a webhook's service.
        guard let nameNode = map["name"] else { throw error(reference, "path config error; no 'name' field in node") }
        guard let name = Value.identityText(nameNode) else { return node }
        var scoped = all.filter(sees)
        if let namespace = map["namespace"] {
          let wanted = Value.identityText(namespace) ?? ""
          // Those first in that namespace; failing any, those in it now.
          let original = scoped.filter { $0.originalNamespace == wanted }
          scoped = original.isEmpty ? scoped.filter { !$0.clusterScoped && $0.namespace == wanted } : original
        }
        guard let target = try select(name, reference: reference, from: scoped, sameNamespaceToo: true) else { return node }
        let targetNamespace = target.object.objectNamespace ?? ""
        if target.object.objectName == name && targetNamespace.isEmpty { return node }
        map["name"] = .string(target.object.objectName ?? name)
        if !targetNamespace.isEmpty { map["namespace"] = .string(targetNamespace) }
        return .object(map)
      default:
        return node
      }
    }

    /// kustomize's selection of the one referred object; nil when none is.
    func select(_ name: String, reference: NameReference, from all: [Candidate], sameNamespaceToo: Bool)
      throws(RenderError) -> Resource?
    {
      let roleRef = roleRefSelector(reference)
      var found = all.filter { (candidate: Candidate) -> Bool in
        let previous = candidate.resource.previousIDs
        guard previous.contains(where: { $0.name == name }), previous.contains(where: { reference.selects($0.gvk) }) else {
          return false
        }
        if let roleRef, !previous.contains(where: { roleRef($0.gvk) }) { return false }
        guard sees(candidate) else { return false }
        if referrerClusterScoped || candidate.clusterScoped { return true }
        return candidate.id.gvk.kind == "ServiceAccount" || candidate.namespace == referrerNamespace
      }.map(\.resource)
      if found.count == 1 { return found[0] }
      found = found.filter { Self.affixesEndAlike($0, referrer, allowEmpty: true) }
      if found.count > 1 { found = found.filter { Self.affixesEndAlike($0, referrer, allowEmpty: false) } }
      if found.count <= 1 { return found.first }
      let first: (name: String, namespace: String) = (found[0].object.objectName ?? "", found[0].object.objectNamespace ?? "")
      let identical = found.allSatisfy { (candidate: Resource) -> Bool in
        let name = candidate.object.objectName ?? ""
        let namespace = candidate.object.objectNamespace ?? ""
        return name == first.name && (!sameNamespaceToo || namespace == first.namespace)
      }
      if identical { return found[0] }
      throw error(
        reference,
        "reference to \(reference.kind) \"\(name)\" is ambiguous: it could be "
          + found.map { $0.id.description }.joined(separator: ", "))
    }

    /// A roleRef names its own apiGroup and kind; kustomize narrows the candidates by them.
    private func roleRefSelector(_ reference: NameReference) -> ((GroupVersionKind) -> Bool)? {
      guard reference.path.hasSuffix("roleRef/name"), let roleRef = referrer.object["roleRef"]?.objectValue,
        let group = roleRef["apiGroup"].map({ $0.stringValue ?? "" }), let kind = roleRef["kind"].map({ $0.stringValue ?? "" })
      else { return nil }
      return { gvk in (group.isEmpty || gvk.group == group) && (kind.isEmpty || gvk.kind == kind) }
    }

    /// kustomize's comparison of the prefix and suffix lists: one ends with the other.
    static func affixesEndAlike(_ candidate: Resource, _ referrer: Resource, allowEmpty: Bool) -> Bool {
      func alike(_ a: [String], _ b: [String]) -> Bool {
        if allowEmpty && (a.isEmpty || b.isEmpty) { return true }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        return short.isEmpty ? long.isEmpty : long.suffix(short.count).elementsEqual(short)
      }
      return alike(candidate.namePrefixes, referrer.namePrefixes) && alike(candidate.nameSuffixes, referrer.nameSuffixes)
    }

    private func error(_ reference: NameReference, _ message: String) -> RenderError {
      Self.error(referrer, reference, message)
    }

    private static func error(_ referrer: Resource, _ reference: NameReference, _ message: String) -> RenderError {
      RenderError(file: referrer.origin, field: reference.path, message: "\(referrer.id): \(message)")
    }
  }

  /// The namespace kustomize compares: cluster-scoped objects have none, "" reads as "default".
  static func effective(_ id: ResourceID) -> String {
    if BuiltinKinds.isClusterScoped(id.gvk.kind) { return "\u{0}cluster" }
    guard let namespace = id.namespace, !namespace.isEmpty else { return "default" }
    return namespace
  }

  /// As `effective`, for grouping by namespace, where cluster-scoped objects are in no group.
  static func groupingNamespace(_ id: ResourceID) -> String? {
    BuiltinKinds.isClusterScoped(id.gvk.kind) ? nil : effective(id)
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
