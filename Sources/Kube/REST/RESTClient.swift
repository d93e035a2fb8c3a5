import Foundation
public import Logging
public import Manifest

/// `KubeAPI` against a real API server over HTTP(S): the paths, query parameters, content
/// types and error bodies client-go uses, discovery-backed resource mapping, retries with
/// jittered backoff on an injected clock, and watches that resume after a dropped connection.
public final class RESTClient: KubeAPI {
  public let connection: ClusterConnection
  let credentials: any CredentialSource
  let transport: any HTTPTransport
  let retry: RetryPolicy
  let clock: any Clock<Duration>
  let logger: Logger
  let jitter: JitterSource
  let baseURL: String
  private let mapperStorage = Locked<RESTMapper?>(nil)

  /// - Parameters:
  ///   - credentials: defaults to `credentialSource(for: connection)` (token, token file,
  ///     client certificate or exec plugin, as the connection says).
  ///   - transport: defaults to libcurl configured from the connection's TLS settings.
  ///   - clock: what retry backoff sleeps on; tests pass one that does not wait.
  ///   - jitterSeed: fixes the random part of backoff.
  public init(
    connection: ClusterConnection, credentials: (any CredentialSource)? = nil, transport: (any HTTPTransport)? = nil,
    retry: RetryPolicy = RetryPolicy(), clock: any Clock<Duration> = ContinuousClock(),
    logger: Logger = Logger(label: "release.kube.rest"), jitterSeed: UInt64 = 0x5EED
  ) throws(KubeError) {
    guard let url = URLComponents(string: connection.server), let scheme = url.scheme, url.host != nil,
      scheme == "https" || scheme == "http"
    else {
      throw KubeError.configuration("\(connection.contextName): server \"\(connection.server)\" is not an http(s) URL")
    }
    self.connection = connection
    self.credentials = credentials ?? credentialSource(for: connection)
    if let transport {
      self.transport = transport
    } else {
      do {
        self.transport = try CurlTransport(configuration: TransportConfiguration(connection: connection))
      } catch {
        throw KubeError.configuration("\(connection.contextName): \(error.message)")
      }
    }
    self.retry = retry
    self.clock = clock
    self.logger = logger
    self.jitter = JitterSource(seed: jitterSeed)
    var base = connection.server
    while base.hasSuffix("/") { base.removeLast() }
    self.baseURL = base
  }

  var mapper: RESTMapper {
    mapperStorage.withLock { stored in
      if let stored { return stored }
      let made = RESTMapper { [unowned self] path throws(KubeError) in
        let response = try await self.execute(RESTCall(method: "GET", path: path, safety: .idempotent))
        return try Self.decode(response.body, what: path)
      }
      stored = made
      return made
    }
  }

  // MARK: - KubeAPI

  public func discovery() async throws(KubeError) -> [APIResourceInfo] {
    try await mapper.all()
  }

  public func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value {
    let info = try await mapper.info(for: id.gvk)
    let path = RESTPath.resource(
      info, namespace: namespace(id.namespace, info), name: id.name, subresource: subresource)
    let response = try await execute(RESTCall(method: "GET", path: path, safety: .idempotent))
    return try Self.decode(response.body, what: path)
  }

  public func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError)
    -> ObjectList
  {
    let info = try await mapper.info(for: gvk)
    let path = RESTPath.resource(info, namespace: namespace)
    let response = try await execute(
      RESTCall(method: "GET", path: path, query: RESTPath.listQuery(options, watch: false), safety: .idempotent))
    let list = try Self.decode(response.body, what: path)
    let items = (list["items"]?.arrayValue ?? []).map { Self.withTypeMeta($0, gvk: gvk) }
    let continueToken = list[path: ["metadata", "continue"]]?.stringValue
    return ObjectList(
      items: items, resourceVersion: list[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
      continueToken: continueToken?.isEmpty == false ? continueToken : nil)
  }

  public func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value {
    let (info, object) = try await target(of: object)
    let path = RESTPath.resource(info, namespace: object.namespace)
    return try await send(
      RESTCall(
        method: "POST", path: path,
        query: RESTPath.writeQuery(fieldManager: options.fieldManager, dryRun: options.dryRun),
        body: object, safety: .notIdempotent))
  }

  public func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    let (info, resolved) = try await target(of: object)
    guard let name = resolved.name else { throw KubeError.badRequest("update needs metadata.name") }
    var body = resolved
    if subresource == "scale" { body = Self.scale(of: resolved) }
    let path = RESTPath.resource(info, namespace: resolved.namespace, name: name, subresource: subresource)
    // A PUT names the object and (usually) its resourceVersion: sending it again cannot do
    // more than the first one did.
    return try await send(
      RESTCall(
        method: "PUT", path: path,
        query: RESTPath.writeQuery(fieldManager: options.fieldManager, dryRun: options.dryRun),
        body: body, safety: .idempotent))
  }

  public func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value {
    let (info, resolved) = try await target(of: object)
    guard let name = resolved.name else { throw KubeError.badRequest("apply needs metadata.name") }
    let path = RESTPath.resource(info, namespace: resolved.namespace, name: name)
    return try await send(
      RESTCall(
        method: "PATCH", path: path,
        query: RESTPath.writeQuery(fieldManager: options.fieldManager, dryRun: options.dryRun, force: options.force),
        body: resolved, contentType: PatchType.apply.rawValue, safety: .idempotent))
  }

  public func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions)
    async throws(KubeError) -> Value
  {
    let info = try await mapper.info(for: id.gvk)
    let path = RESTPath.resource(
      info, namespace: namespace(id.namespace, info), name: id.name, subresource: subresource)
    var body = body
    if type == .apply {
      body["apiVersion"] = .string(id.gvk.apiVersion)
      body["kind"] = .string(id.gvk.kind)
    }
    return try await send(
      RESTCall(
        method: "PATCH", path: path,
        query: RESTPath.writeQuery(fieldManager: options.fieldManager, dryRun: options.dryRun),
        body: body, contentType: type.rawValue, safety: type == .apply ? .idempotent : .notIdempotent))
  }

  public func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value? {
    let info = try await mapper.info(for: id.gvk)
    let path = RESTPath.resource(info, namespace: namespace(id.namespace, info), name: id.name)
    let response = try await execute(
      RESTCall(method: "DELETE", path: path, body: Self.deleteOptions(options), safety: .idempotent))
    let value = try Self.decode(response.body, what: path)
    // A Status (Success) reply means the object is gone and was not echoed back.
    if value["kind"]?.stringValue == "Status" { return nil }
    return Self.withTypeMeta(value, gvk: id.gvk)
  }

  public func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError) {
    let info = try await mapper.info(for: GroupVersionKind(group: "", version: "v1", kind: "Pod"))
    let namespace = namespace(pod.namespace, info)
    let path = RESTPath.resource(info, namespace: namespace, name: pod.name, subresource: "eviction")
    var metadata: Value = ["name": .string(pod.name)]
    if let namespace { metadata["namespace"] = .string(namespace) }
    let eviction: Value = [
      "apiVersion": "policy/v1", "kind": "Eviction", "metadata": metadata, "deleteOptions": Self.deleteOptions(options),
    ]
    // Not idempotent: a repeated eviction may take a second pod's budget; only 429 retries.
    _ = try await execute(RESTCall(method: "POST", path: path, body: eviction, safety: .notIdempotent))
  }

  /// Closes kept-alive connections; the next call dials again.
  public func closeIdleConnections() { transport.closeIdleConnections() }

  // MARK: - Helpers

  /// The connection's namespace for a namespaced resource named without one.
  func namespace(_ given: String?, _ info: APIResourceInfo) -> String? {
    guard info.namespaced else { return nil }
    if let given, !given.isEmpty { return given }
    return connection.namespace
  }

  /// The mapping for an object's kind, and the object with its namespace defaulted.
  func target(of object: Value) async throws(KubeError) -> (APIResourceInfo, Value) {
    guard let gvk = object.gvk else { throw KubeError.badRequest("object has no apiVersion or kind") }
    let info = try await mapper.info(for: gvk)
    var object = object
    if let ns = namespace(object.namespace, info) {
      object[path: ["metadata", "namespace"]] = .string(ns)
    }
    return (info, object)
  }

  func send(_ call: RESTCall) async throws(KubeError) -> Value {
    let response = try await execute(call)
    return try Self.decode(response.body, what: call.path)
  }

  static func decode(_ body: Data, what: String) throws(KubeError) -> Value {
    do {
      return try JSON.parse(bytes: Array(body), file: what)
    } catch {
      throw KubeError.decoding("\(what): \(error)")
    }
  }

  /// Items of a list reply carry no apiVersion/kind on a real server; callers get them back
  /// as KubeSim gives them, type first.
  static func withTypeMeta(_ object: Value, gvk: GroupVersionKind) -> Value {
    guard case .object(let fields) = object, fields["apiVersion"] == nil || fields["kind"] == nil else { return object }
    var typed: Value = ["apiVersion": .string(gvk.apiVersion), "kind": .string(gvk.kind)]
    for (key, value) in fields where key != "apiVersion" && key != "kind" { typed[key] = value }
    return typed
  }

  static func deleteOptions(_ options: DeleteOptions) -> Value {
    var body: Value = ["kind": "DeleteOptions", "apiVersion": "v1"]
    if let grace = options.gracePeriodSeconds { body["gracePeriodSeconds"] = .int(grace) }
    if options.preconditionUID != nil || options.preconditionResourceVersion != nil {
      var preconditions: Value = [:]
      if let uid = options.preconditionUID { preconditions["uid"] = .string(uid) }
      if let rv = options.preconditionResourceVersion { preconditions["resourceVersion"] = .string(rv) }
      body["preconditions"] = preconditions
    }
    if let policy = options.propagationPolicy { body["propagationPolicy"] = .string(policy.rawValue) }
    if options.dryRun { body["dryRun"] = ["All"] }
    return body
  }

  /// The autoscaling/v1 Scale a PUT to `/scale` expects, from a Scale or its parent object.
  static func scale(of object: Value) -> Value {
    if object.kind == "Scale" { return object }
    var metadata: Value = ["name": object["metadata"]?["name"] ?? ""]
    if let ns = object.namespace { metadata["namespace"] = .string(ns) }
    if let rv = object[path: ["metadata", "resourceVersion"]] { metadata["resourceVersion"] = rv }
    return [
      "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": metadata,
      "spec": ["replicas": object[path: ["spec", "replicas"]] ?? 0],
    ]
  }
}

extension TransportError {
  var asKubeError: KubeError { .transport(message) }
}
