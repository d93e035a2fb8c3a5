import Foundation
public import Manifest

/// The state behind one `RESTClient.watch` stream. Pulled by the consumer (no background
/// task): each `next()` reads the open response, and when the connection ends without the
/// caller asking (a reset, a proxy timeout, a server restart) it reconnects from the last
/// resourceVersion seen, so the caller sees one unbroken sequence of events.
final class WatchSession: @unchecked Sendable {
  private let client: RESTClient
  private let gvk: GroupVersionKind
  private let path: String
  private var options: ListOptions
  private var body: AsyncThrowingStream<Data, any Error>.AsyncIterator?
  private var decoder = WatchLineDecoder()
  private var pending: [WatchEvent] = []
  private var finished = false
  /// Why the watch ends, once the events before it are delivered.
  private var failure: KubeError?
  /// Connections in a row that ended before delivering an event: they back off.
  private var fruitlessConnections = 0

  init(client: RESTClient, gvk: GroupVersionKind, path: String, options: ListOptions) {
    self.client = client
    self.gvk = gvk
    self.path = path
    self.options = options
  }

  /// Opens the (next) connection; a 410 here means the version is gone and ends the watch.
  func connect() async throws(KubeError) {
    if fruitlessConnections > 0 {
      try await client.pause(client.retry.backoff(attempt: fruitlessConnections, random: client.jitter.next()))
    }
    fruitlessConnections += 1
    let call = RESTCall(
      method: "GET", path: path, query: RESTPath.listQuery(options, watch: true), safety: .idempotent)
    let response = try await client.openStream(call)
    body = response.body.makeAsyncIterator()
    decoder = WatchLineDecoder()
  }

  func next() async throws -> WatchEvent? {
    while true {
      if !pending.isEmpty { return pending.removeFirst() }
      if let failure {
        // Delivered after the events that preceded it on the wire.
        self.failure = nil
        finished = true
        throw failure
      }
      if finished || Task.isCancelled { return nil }
      guard var iterator = body else {
        do {
          try await connect()
        } catch {
          failure = error
        }
        continue
      }
      let chunk: Data?
      var dropped = false
      do {
        chunk = try await iterator.next()
      } catch {
        chunk = nil
        dropped = true
      }
      body = chunk == nil ? nil : iterator
      if let chunk {
        decode(decoder.lines(after: chunk))
        continue
      }
      // A line cut off by a dropped connection is garbage; the next connection resends it.
      let tail = decoder.remainder()
      if !dropped, let tail, (try? JSON.parse(bytes: tail)) != nil { decode([tail]) }
      // The server ends a watch on its own only when the caller set timeoutSeconds.
      if !dropped && options.timeoutSeconds != nil { finished = true }
    }
  }

  private func decode(_ lines: [[UInt8]]) {
    for line in lines {
      do {
        try accept(line)
      } catch {
        failure = error
        return
      }
    }
  }

  private func accept(_ line: [UInt8]) throws(KubeError) {
    var event = try WatchLineDecoder.event(from: line)
    event.object = RESTClient.withTypeMeta(event.object, gvk: gvk)
    if let version = event.object[path: ["metadata", "resourceVersion"]]?.stringValue, !version.isEmpty {
      options.resourceVersion = version
    }
    fruitlessConnections = 0
    pending.append(event)
  }
}

extension RESTClient {
  public func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError)
    -> AsyncThrowingStream<WatchEvent, any Error>
  {
    let info = try await mapper.info(for: gvk)
    var options = options
    if options.resourceVersion?.isEmpty ?? true {
      // "From now" has no version to resume from after a drop; the list's version is now.
      let probe = ListOptions(labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: 1)
      options.resourceVersion = try await list(gvk, namespace: namespace, options: probe).resourceVersion
    }
    let session = WatchSession(
      client: self, gvk: gvk, path: RESTPath.resource(info, namespace: namespace), options: options)
    try await session.connect()
    return AsyncThrowingStream { try await session.next() }
  }
}
