import Kube
import KubeSim
import Manifest

/// Serves the Kubernetes REST API from a `KubeAPI`: every object read or write goes through
/// the protocol, so the server adds only HTTP framing, authorization and Table rendering.
struct APIHandler: Sendable {
  let api: any KubeAPI
  let discovery: Discovery
  let serverAddress: String
  let tables: TableRenderer
  /// `pods/log`: the simulation tells a container's log; `KubeAPI` has no such call.
  let logs: @Sendable (ResourceID, PodLogRequest) async throws(KubeError) -> String
  /// Prometheus' query API over the simulation's metrics, beside the Kubernetes paths.
  let prometheus: PrometheusQueryRoute
  /// `pods/log?follow=true`: the log so far, then its lines as virtual time reaches them.
  let followLogs: @Sendable (ResourceID, PodLogRequest) async throws(KubeError) -> AsyncThrowingStream<String, any Error>
  /// `serviceaccounts/token` (TokenRequest): the answer, token included.
  let tokens: @Sendable (ResourceID, Value) async throws(KubeError) -> Value
  let reviews: AccessReviews
  let escalation: EscalationCheck
  let openAPI: OpenAPIRoute
  let resourceMetrics: ResourceMetricsRoute

  func handle(_ request: APIRequest, user: UserInfo) async -> APIResponse {
    do {
      return try await route(request, user: user)
    } catch {
      return .error(error)
    }
  }

  private func route(_ request: APIRequest, user: UserInfo) async throws(KubeError) -> APIResponse {
    let segments = request.segments
    switch segments.first {
    case "version" where segments.count == 1:
      return .json(status: 200, body: Discovery.version)
    case "api":
      if segments == PrometheusQueryRoute.path { return await prometheus.answer(request) }
      if segments.count == 1, request.wantsAggregatedDiscovery { return aggregatedDiscovery(core: true) }
      if segments.count == 1 { return .json(status: 200, body: discovery.coreVersions(serverAddress: serverAddress)) }
      return try await resources(group: "", version: segments[1], rest: Array(segments.dropFirst(2)), request, user: user)
    case "apis":
      if segments.count == 1, request.wantsAggregatedDiscovery { return aggregatedDiscovery(core: false) }
      if segments.count == 1 { return .json(status: 200, body: discovery.groupList) }
      if segments.count == 2 {
        guard let group = discovery.group(segments[1]) else { throw notFound() }
        return .json(status: 200, body: group)
      }
      return try await resources(group: segments[1], version: segments[2], rest: Array(segments.dropFirst(3)), request, user: user)
    case "openapi":
      guard let answer = openAPI.answer(Array(segments.dropFirst()), accept: request.headers["accept"] ?? "") else { throw notFound() }
      return answer
    case "healthz", "livez", "readyz":
      return .json(status: 200, body: "ok")
    default:
      throw notFound()
    }
  }

  private func aggregatedDiscovery(core: Bool) -> APIResponse {
    .json(status: 200, body: discovery.aggregated(core: core), headers: [("Content-Type", Discovery.aggregatedContentType)])
  }

  private func notFound() -> KubeError {
    .status(Status(code: 404, reason: .notFound, message: "the server could not find the requested resource", details: StatusDetails()))
  }

  private func resources(group: String, version: String, rest: [String], _ request: APIRequest, user: UserInfo) async throws(KubeError)
    -> APIResponse
  {
    if rest.isEmpty {
      guard let list = discovery.resourceList(group: group, version: version) else { throw notFound() }
      return .json(status: 200, body: list)
    }
    guard let route = ResourceRoute(group: group, version: version, rest: rest, discovery: discovery) else { throw notFound() }
    let verb = Self.verb(request, route)
    guard route.info.verbs.contains(verb) || route.subresource != nil else {
      throw KubeError.status(Status(code: 405, reason: .methodNotAllowed, message: "the server does not allow this method on the requested resource"))
    }
    if ResourceMetricsRoute.serves(route.info) { return try await resourceMetrics.answer(route, request) }
    if AccessReviews.serves(route.info) {
      guard request.method == "POST", route.name == nil else { throw notFound() }
      return try await reviews.create(route, body: try body(request), user: user)
    }
    switch (request.method, route.name, route.subresource) {
    case ("GET", nil, _):
      return request.flag("watch") ? try await watch(route, request) : try await list(route, request)
    case ("GET", let name?, "log") where route.info.kind == "Pod":
      let log = PodLogRequest(
        container: request.query["container"].flatMap { $0.isEmpty ? nil : $0 }, previous: request.flag("previous"),
        timestamps: request.flag("timestamps"), tailLines: request.int("tailLines"))
      if request.flag("follow") { return .textStream(try await followLogs(try id(route, name), log)) }
      return .text(try await logs(try id(route, name), log))
    case ("GET", let name?, let sub):
      let object = try await api.get(try id(route, name), subresource: sub)
      return .json(status: 200, body: request.wantsTable && sub == nil ? tables.table(for: [object], of: route.info, request: request, resourceVersion: nil) : object)
    case ("POST", nil, nil):
      return try await create(route, request, user: user)
    case ("POST", let name?, "token") where route.info.kind == "ServiceAccount":
      return .json(status: 201, body: try await tokens(try id(route, name), try body(request)))
    case ("POST", let name?, "eviction"):
      return try await evict(route, name: name, request)
    case ("PUT", let name?, let sub):
      return try await update(route, name: name, subresource: sub, request, user: user)
    case ("PATCH", let name?, let sub):
      return try await patch(route, name: name, subresource: sub, request, user: user)
    case ("DELETE", let name?, nil):
      return try await delete(route, name: name, request)
    case ("DELETE", nil, nil):
      return try await deleteCollection(route, request)
    default:
      throw KubeError.status(Status(code: 405, reason: .methodNotAllowed, message: "the server does not allow this method on the requested resource"))
    }
  }

  static func verb(_ request: APIRequest, _ route: ResourceRoute) -> String {
    switch request.method {
    case "GET": return route.name == nil ? (request.flag("watch") ? "watch" : "list") : "get"
    case "POST": return "create"
    case "PUT": return "update"
    case "PATCH": return "patch"
    case "DELETE": return route.name == nil ? "deletecollection" : "delete"
    default: return request.method.lowercased()
    }
  }

  private func id(_ route: ResourceRoute, _ name: String) throws(KubeError) -> ResourceID {
    if route.info.namespaced && route.namespace == nil {
      throw KubeError.badRequest("a namespace is required for \(route.qualifiedResource)")
    }
    return ResourceID(gvk: route.gvk, namespace: route.info.namespaced ? route.namespace : nil, name: name)
  }

  // MARK: - Reads

  static func listOptions(_ request: APIRequest) -> ListOptions {
    ListOptions(
      labelSelector: request.query["labelSelector"], fieldSelector: request.query["fieldSelector"], limit: request.int("limit"),
      continueToken: request.query["continue"].flatMap { $0.isEmpty ? nil : $0 }, resourceVersion: request.query["resourceVersion"],
      allowWatchBookmarks: request.flag("allowWatchBookmarks"), timeoutSeconds: request.int("timeoutSeconds"))
  }

  private func list(_ route: ResourceRoute, _ request: APIRequest) async throws(KubeError) -> APIResponse {
    let list = try await api.list(route.gvk, namespace: route.namespace, options: Self.listOptions(request))
    if request.wantsTable {
      var table = tables.table(for: list.items, of: route.info, request: request, resourceVersion: list.resourceVersion)
      if let token = list.continueToken { table[path: ["metadata", "continue"]] = .string(token) }
      return .json(status: 200, body: table)
    }
    var metadata: Value = ["resourceVersion": .string(list.resourceVersion)]
    if let token = list.continueToken { metadata["continue"] = .string(token) }
    let body: Value = [
      "kind": .string("\(route.info.kind)List"), "apiVersion": .string(route.gvk.apiVersion), "metadata": metadata,
      "items": .array(list.items),
    ]
    return .json(status: 200, body: body)
  }

  /// A watch without a resourceVersion (or "0") starts with the current objects as ADDED
  /// events, as kube-apiserver sends them; `sendInitialEvents` ends that set with a bookmark.
  private func watch(_ route: ResourceRoute, _ request: APIRequest) async throws(KubeError) -> APIResponse {
    var options = Self.listOptions(request)
    options.limit = nil
    options.continueToken = nil
    var initial: [WatchEvent] = []
    let sendInitial = request.flag("sendInitialEvents")
    if sendInitial || (options.resourceVersion ?? "").isEmpty || options.resourceVersion == "0" {
      let current = try await api.list(
        route.gvk, namespace: route.namespace,
        options: ListOptions(labelSelector: options.labelSelector, fieldSelector: options.fieldSelector))
      initial = current.items.map { WatchEvent(type: .added, object: $0) }
      options.resourceVersion = current.resourceVersion
      if sendInitial {
        let marker: Value = [
          "apiVersion": .string(route.gvk.apiVersion), "kind": .string(route.info.kind),
          "metadata": ["resourceVersion": .string(current.resourceVersion), "annotations": ["k8s.io/initial-events-end": "true"]],
        ]
        initial.append(WatchEvent(type: .bookmark, object: marker))
      }
    }
    let stream: AsyncThrowingStream<WatchEvent, any Error>
    do {
      stream = try await api.watch(route.gvk, namespace: route.namespace, options: options)
    } catch where error.isGone {
      // kube-apiserver answers a too-old resourceVersion inside the watch: 200, then one ERROR event.
      let (ended, continuation) = AsyncThrowingStream<WatchEvent, any Error>.makeStream()
      continuation.finish()
      return .watch(WatchResponse(initial: [WatchEvent(type: .error, object: APIResponse.status(of: error).object)], stream: ended, timeout: nil, encode: { ["type": .string($0.type.rawValue), "object": $0.object] }))
    }
    let table = request.wantsTable
    let tables = self.tables
    let info = route.info
    return .watch(
      WatchResponse(
        initial: initial, stream: stream, timeout: options.timeoutSeconds.map { .seconds($0) },
        encode: { event in
          let object = table && event.type != .bookmark && event.type != .error
            ? tables.table(for: [event.object], of: info, request: request, resourceVersion: nil) : event.object
          return ["type": .string(event.type.rawValue), "object": object]
        }))
  }

  // MARK: - Writes

  private func body(_ request: APIRequest) throws(KubeError) -> Value {
    if request.body.isEmpty { throw KubeError.badRequest("the request body is empty") }
    if request.contentType.contains("protobuf") { return try KubernetesProtobuf.decode(request.body) }
    do {
      if request.contentType.contains("yaml") {
        return try YAMLReader.document(String(decoding: request.body, as: UTF8.self), file: "<request body>")
      }
      return try JSON.parse(bytes: request.body, file: "<request body>")
    } catch {
      throw KubeError.badRequest("the request body could not be decoded: \(error)")
    }
  }

  /// `fieldValidation`: Strict refuses a field the kind's schema does not declare, Warn answers
  /// with a Warning header per field (returned, to send with the response).
  private func validateFields(_ object: Value, _ route: ResourceRoute, _ request: APIRequest, patch: Bool = false) throws(KubeError)
    -> [(String, String)]
  {
    let directive = FieldValidation.directive(request)
    guard directive != .ignore else { return [] }
    let unknown = FieldValidation.unknownFields(in: object, of: route.gvk)
    if unknown.isEmpty { return [] }
    guard directive == .strict else { return FieldValidation.warnings(unknown) }
    if patch { throw KubeError.badRequest(FieldValidation.decodingError(unknown)) }
    throw FieldValidation.strictError(unknown, kind: route.info.kind, version: route.info.version)
  }

  /// Without `fieldManager` the manager is the User-Agent's product ("kubectl"), as kube-apiserver names it.
  private func writeOptions(_ request: APIRequest) -> WriteOptions {
    let agent = request.headers["user-agent"].flatMap { $0.split(separator: "/").first.map(String.init) }
    let manager = request.query["fieldManager"].flatMap { $0.isEmpty ? nil : $0 } ?? agent
    return WriteOptions(fieldManager: manager, dryRun: request.query["dryRun"] == "All")
  }

  /// The body's identity must agree with the URL; what it leaves out comes from the URL.
  private func reconcile(_ object: inout Value, with route: ResourceRoute, name: String?) throws(KubeError) {
    if object["apiVersion"] == nil { object["apiVersion"] = .string(route.gvk.apiVersion) }
    if object["kind"] == nil { object["kind"] = .string(route.info.kind) }
    if object.kind != route.info.kind {
      throw KubeError.badRequest("the kind of the object (\(object.kind ?? "")) does not match the resource \(route.qualifiedResource)")
    }
    if let name {
      if object.name == nil { object.name = name }
      if object.name != name {
        throw KubeError.badRequest("the name of the object (\(object.name ?? "")) does not match the name on the URL (\(name))")
      }
    }
    guard route.info.namespaced, let namespace = route.namespace else { return }
    if object.namespace == nil || object.namespace == "" { object.namespace = namespace }
    if object.namespace != namespace {
      throw KubeError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
    }
  }

  private func create(_ route: ResourceRoute, _ request: APIRequest, user: UserInfo) async throws(KubeError) -> APIResponse {
    var object = try body(request)
    try reconcile(&object, with: route, name: nil)
    let warnings = try validateFields(object, route, request)
    try await escalation.check(object, route: route, urlName: nil, user: user)
    let created = try await api.create(object, options: writeOptions(request))
    return .json(status: 201, body: created, headers: warnings)
  }

  private func update(_ route: ResourceRoute, name: String, subresource: String?, _ request: APIRequest, user: UserInfo) async throws(KubeError)
    -> APIResponse
  {
    let id = try id(route, name)
    var object = try body(request)
    if subresource == "scale" {
      guard let replicas = object[path: ["spec", "replicas"]]?.intValue else { throw KubeError.badRequest("Scale needs spec.replicas") }
      if let sent = object[path: ["metadata", "resourceVersion"]]?.stringValue, !sent.isEmpty {
        let current = try await api.get(id, subresource: "scale")
        if current[path: ["metadata", "resourceVersion"]]?.stringValue != sent {
          throw KubeError.conflict(route.qualifiedResource, group: "", name: name,
            message: "the object has been modified; please apply your changes to the latest version and try again")
        }
      }
      _ = try await api.patch(id, type: .merge, body: ["spec": ["replicas": .int(replicas)]], subresource: "scale", options: writeOptions(request))
      return .json(status: 200, body: try await api.get(id, subresource: "scale"))
    }
    try reconcile(&object, with: route, name: name)
    let warnings = subresource == nil ? try validateFields(object, route, request) : []
    try await escalation.check(object, route: route, urlName: name, user: user)
    let updated = try await api.update(object, subresource: subresource, options: writeOptions(request))
    return .json(status: 200, body: updated, headers: warnings)
  }

  private func patch(_ route: ResourceRoute, name: String, subresource: String?, _ request: APIRequest, user: UserInfo) async throws(KubeError)
    -> APIResponse
  {
    let id = try id(route, name)
    guard let type = PatchType(rawValue: request.contentType) else {
      throw KubeError.status(Status(code: 415, reason: .unknown, message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"))
    }
    var body = try body(request)
    let options = writeOptions(request)
    if type == .apply && subresource == nil {
      guard let manager = options.fieldManager, !manager.isEmpty else {
        throw KubeError.invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", causes: [StatusCause(type: "FieldValueRequired", field: "fieldManager", message: "Required value: is required for apply patch")])
      }
      try reconcile(&body, with: route, name: name)
      if EscalationCheck.guards(route, user: user) {
        // What the apply would store is what the check weighs.
        let result = try await api.apply(body, options: ApplyOptions(fieldManager: manager, force: request.flag("force"), dryRun: true))
        try await escalation.check(result, route: route, urlName: name, user: user)
      }
      let applied = try await api.apply(body, options: ApplyOptions(fieldManager: manager, force: request.flag("force"), dryRun: options.dryRun))
      return .json(status: 200, body: applied)
    }
    // A merge patch names fields as the object does; a JSON patch names operations.
    let warnings = subresource == nil && (type == .merge || type == .strategicMerge) ? try validateFields(body, route, request, patch: true) : []
    if EscalationCheck.guards(route, user: user) {
      var dryRun = options
      dryRun.dryRun = true
      let result = try await api.patch(id, type: type, body: body, subresource: subresource, options: dryRun)
      try await escalation.check(result, route: route, urlName: name, user: user)
    }
    let patched = try await api.patch(id, type: type, body: body, subresource: subresource, options: options)
    if subresource == "scale" { return .json(status: 200, body: try await api.get(id, subresource: "scale")) }
    return .json(status: 200, body: patched, headers: warnings)
  }

  static func deleteOptions(_ request: APIRequest, body: Value?) -> DeleteOptions {
    var options = DeleteOptions()
    if let body {
      options.propagationPolicy = body["propagationPolicy"]?.stringValue.flatMap(PropagationPolicy.init(rawValue:))
      options.gracePeriodSeconds = body["gracePeriodSeconds"]?.intValue
      options.dryRun = body["dryRun"]?.arrayValue?.contains("All") ?? false
      options.preconditionUID = body[path: ["preconditions", "uid"]]?.stringValue
      options.preconditionResourceVersion = body[path: ["preconditions", "resourceVersion"]]?.stringValue
      if body["orphanDependents"]?.boolValue == true { options.propagationPolicy = .orphan }
    }
    if let policy = request.query["propagationPolicy"].flatMap(PropagationPolicy.init(rawValue:)) { options.propagationPolicy = policy }
    if let grace = request.query["gracePeriodSeconds"].flatMap({ Int64($0) }) { options.gracePeriodSeconds = grace }
    if request.query["dryRun"] == "All" { options.dryRun = true }
    return options
  }

  private func optionalBody(_ request: APIRequest) throws(KubeError) -> Value? {
    request.body.isEmpty ? nil : try body(request)
  }

  private func delete(_ route: ResourceRoute, name: String, _ request: APIRequest) async throws(KubeError) -> APIResponse {
    let id = try id(route, name)
    let options = Self.deleteOptions(request, body: try optionalBody(request))
    if let object = try await api.delete(id, options: options) { return .json(status: 200, body: object) }
    return .json(status: 200, body: APIResponse.success(details: ["name": .string(name), "group": .string(route.info.group), "kind": .string(route.info.resource)]))
  }

  private func deleteCollection(_ route: ResourceRoute, _ request: APIRequest) async throws(KubeError) -> APIResponse {
    let options = Self.deleteOptions(request, body: try optionalBody(request))
    var listOptions = Self.listOptions(request)
    listOptions.limit = nil
    let items = try await api.list(route.gvk, namespace: route.namespace, options: listOptions).items
    var deleted: [Value] = []
    for item in items {
      guard let id = item.resourceID ?? item.name.map({ ResourceID(gvk: route.gvk, namespace: item.namespace, name: $0) }) else { continue }
      if let object = try await api.delete(id, options: options) { deleted.append(object) } else { deleted.append(item) }
    }
    return .json(status: 200, body: ["kind": .string("\(route.info.kind)List"), "apiVersion": .string(route.gvk.apiVersion), "metadata": [:], "items": .array(deleted)])
  }

  private func evict(_ route: ResourceRoute, name: String, _ request: APIRequest) async throws(KubeError) -> APIResponse {
    guard route.info.kind == "Pod" else { throw notFound() }
    let id = try id(route, name)
    let eviction = try optionalBody(request)
    var options = Self.deleteOptions(request, body: eviction?["deleteOptions"])
    if request.query["dryRun"] == "All" { options.dryRun = true }
    try await api.evict(id, options: options)
    return .json(status: 201, body: APIResponse.success(code: 201))
  }
}
