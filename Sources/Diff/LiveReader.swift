public import Kube
public import Manifest

/// Reads live state the way a large environment needs it read: one paginated LIST per kind and
/// namespace (not a GET per object), several in flight at once.
public struct LiveReader: Sendable {
  public let api: any KubeAPI
  public var width: Int
  public var pageSize: Int
  /// LISTs shared with other environments' checks in the same run, if any.
  public var shared: SharedListing?

  public init(api: any KubeAPI, width: Int = 8, pageSize: Int = 500, shared: SharedListing? = nil) {
    self.api = api
    self.width = width
    self.pageSize = pageSize
    self.shared = shared
  }

  public struct Scope: Sendable, Hashable {
    public var gvk: GroupVersionKind
    /// nil: every namespace (or a cluster-scoped kind).
    public var namespace: String?
    public var labelSelector: String?
    public var fieldSelector: String?

    public init(gvk: GroupVersionKind, namespace: String?, labelSelector: String? = nil, fieldSelector: String? = nil) {
      self.gvk = gvk
      self.namespace = namespace
      self.labelSelector = labelSelector
      self.fieldSelector = fieldSelector
    }
  }

  /// Every object of each scope, pages joined.
  public func list(_ scopes: [Scope]) async throws(DiffError) -> [Scope: [Value]] {
    let results = await BoundedMap.map(scopes, width: width) { scope in
      await Result<[Value], KubeError>(catching: { () async throws(KubeError) -> [Value] in
        if let shared { return try await shared.objects(of: scope, reader: self) }
        return try await listAll(scope)
      })
    }
    var byScope: [Scope: [Value]] = [:]
    for (scope, result) in zip(scopes, results) {
      switch result {
      case .success(let items): byScope[scope] = items
      case .failure(let error):
        let place = scope.namespace.map { " in namespace \($0)" } ?? ""
        throw DiffError.api(error, doing: "listing \(scope.gvk.kind) (\(scope.gvk.apiVersion))\(place)")
      }
    }
    return byScope
  }

  func listAll(_ scope: Scope) async throws(KubeError) -> [Value] {
    var items: [Value] = []
    var token: String?
    repeat {
      let page = try await api.list(
        scope.gvk, namespace: scope.namespace,
        options: ListOptions(labelSelector: scope.labelSelector, fieldSelector: scope.fieldSelector, limit: pageSize, continueToken: token))
      // List items may omit apiVersion/kind (as real servers send them); identity needs both.
      items += page.items.map { item in
        var copy = item
        if copy["apiVersion"] == nil { copy["apiVersion"] = .string(scope.gvk.apiVersion) }
        if copy["kind"] == nil { copy["kind"] = .string(scope.gvk.kind) }
        return copy
      }
      token = page.continueToken
    } while token != nil
    return items
  }
}

extension Result where Failure == KubeError {
  init(catching body: () async throws(KubeError) -> Success) async {
    do {
      self = .success(try await body())
    } catch {
      self = .failure(error)
    }
  }
}
