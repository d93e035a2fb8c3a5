import Kube
import Manifest
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

typealias HTTPChannel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// Serves the requests of one connection in order: authenticate, answer through
/// `APIHandler`, stream watches until they end, the client leaves or the server shuts down.
struct HTTPConnection: Sendable {
  let handler: APIHandler
  let authorization: Authorization
  let tls: Bool
  let faults: ServerFaults
  let dice: FaultDice
  let registry: ConnectionRegistry

  func serve(_ connection: HTTPChannel) async {
    let channel = connection.channel
    let key = registry.add(channel)
    defer { registry.remove(key) }
    do {
      try await connection.executeThenClose { inbound, outbound in
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        // The client certificate is fixed for the connection: read it once, after the handshake.
        var identityRead = false
        var identity: (user: String, groups: [String])?
        for try await part in inbound {
          switch part {
          case .head(let next):
            head = next
            body = []
            // libcurl holds larger bodies back for a second unless told to go on.
            if next.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
              try await outbound.write(.head(HTTPResponseHead(version: next.version, status: .continue)))
            }
          case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
          case .end:
            guard let current = head else { continue }
            head = nil
            if dice.roll(faults.connectionResetRate) { return }
            if !identityRead {
              identity = await peerIdentity(channel)
              identityRead = true
            }
            let keepAlive = try await respond(current, body: body, identity: identity, outbound: outbound, channel: channel)
            if !keepAlive { return }
          }
        }
      }
    } catch {
      // The client went away or the server is shutting down; nothing to answer.
    }
  }

  private func peerIdentity(_ channel: any Channel) async -> (user: String, groups: [String])? {
    guard tls, let certificate = try? await channel.nioSSL_peerCertificate().get(), let der = try? certificate.toDERBytes() else {
      return nil
    }
    return PKI.identity(ofDER: der)
  }

  private func respond(
    _ head: HTTPRequestHead, body: [UInt8], identity: (user: String, groups: [String])?,
    outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: any Channel
  ) async throws -> Bool {
    let request = APIRequest(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
    let keepAlive = head.isKeepAlive
    let response: APIResponse
    switch await authorization.admit(request, certificate: identity) {
    case .admitted(let user): response = await handler.handle(request, user: user)
    case .refused(let refusal): response = refusal
    }
    switch response {
    case .json(let status, let value, let headers):
      try await write(status: status, body: value, headers: headers, keepAlive: keepAlive, outbound: outbound)
    case .text(let text, let status):
      try await write(status: status, bytes: ByteBuffer(string: text), contentType: "text/plain", headers: [], keepAlive: keepAlive, outbound: outbound)
    case .bytes(let bytes, let contentType, let status):
      try await write(status: status, bytes: ByteBuffer(bytes: bytes), contentType: contentType, headers: [], keepAlive: keepAlive, outbound: outbound)
    case .watch(let watch):
      try await stream(watch, outbound: outbound, channel: channel)
    case .textStream(let chunks):
      try await stream(chunks, outbound: outbound, channel: channel)
    }
    return keepAlive
  }

  private func write(
    status: Int, body: Value, headers extra: [(String, String)], keepAlive: Bool, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
  ) async throws {
    try await write(
      status: status, bytes: ByteBuffer(string: JSON.string(body)), contentType: "application/json", headers: extra, keepAlive: keepAlive,
      outbound: outbound)
  }

  private func write(
    status: Int, bytes: ByteBuffer, contentType: String, headers extra: [(String, String)], keepAlive: Bool,
    outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
  ) async throws {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: contentType)
    headers.add(name: "Content-Length", value: String(bytes.readableBytes))
    headers.add(name: "Cache-Control", value: "no-cache, private")
    if !keepAlive { headers.add(name: "Connection", value: "close") }
    // A response may name its own Content-Type (aggregated discovery does).
    // Warnings are one header each.
    for (name, value) in extra {
      if name.lowercased() == "warning" { headers.add(name: name, value: value) } else { headers.replaceOrAdd(name: name, value: value) }
    }
    try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)))
    try await outbound.write(.body(.byteBuffer(bytes)))
    try await outbound.write(.end(nil))
  }

  /// One JSON event per line in a chunked response, flushed as it happens. Ends on the
  /// client's timeoutSeconds, the fault limits, the client closing, or server shutdown.
  private func stream(_ watch: WatchResponse, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: any Channel) async throws {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "application/json")
    headers.add(name: "Transfer-Encoding", value: "chunked")
    headers.add(name: "Cache-Control", value: "no-cache, private")
    try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
    let limit = faults.watchEventLimit
    let encode = watch.encode
    let initial = watch.initial
    let events = watch.stream
    let pump = Task(executorPreference: ServingThreads.shared) {
      var sent = 0
      func send(_ event: WatchEvent) async throws -> Bool {
        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: JSON.string(encode(event)) + "\n"))))
        sent += 1
        return limit.map { sent < $0 } ?? true
      }
      do {
        for event in initial {
          if try await !send(event) { return }
        }
        for try await event in events {
          if try await !send(event) { return }
        }
      } catch let error as KubeError {
        _ = try? await send(WatchEvent(type: .error, object: APIResponse.status(of: error).object))
      } catch {
        // The client is gone.
      }
    }
    channel.closeFuture.whenComplete { _ in pump.cancel() }
    let durations = [watch.timeout, faults.watchDuration].compactMap { $0 }
    let timer = durations.min().map { duration in
      Task(executorPreference: ServingThreads.shared) {
        try await Task.sleep(for: duration)
        pump.cancel()
      }
    }
    await pump.value
    timer?.cancel()
    try await outbound.write(.end(nil))
  }
}

extension HTTPConnection {
  /// Text in a chunked response, each piece flushed as it comes, until the stream ends (the
  /// followed container stopped), the client leaves or the server shuts down.
  func stream(_ chunks: AsyncThrowingStream<String, any Error>, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: any Channel)
    async throws
  {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "text/plain")
    headers.add(name: "Transfer-Encoding", value: "chunked")
    headers.add(name: "Cache-Control", value: "no-cache, private")
    try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
    let pump = Task(executorPreference: ServingThreads.shared) {
      do {
        for try await chunk in chunks { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: chunk)))) }
      } catch {
        // The client is gone, or the server is shutting down.
      }
    }
    channel.closeFuture.whenComplete { _ in pump.cancel() }
    await pump.value
    try await outbound.write(.end(nil))
  }
}

/// Open connections, so shutdown can close them (which also ends their watches). Once
/// closed, a connection still arriving from the accept queue is closed at once.
final class ConnectionRegistry: Sendable {
  private let state = Mutex<(next: Int, closed: Bool, channels: [Int: any Channel])>((0, false, [:]))

  func add(_ channel: any Channel) -> Int {
    let (key, closed) = state.withLock { state in
      state.next += 1
      if !state.closed { state.channels[state.next] = channel }
      return (state.next, state.closed)
    }
    if closed { channel.close(promise: nil) }
    return key
  }

  func remove(_ key: Int) { _ = state.withLock { $0.channels.removeValue(forKey: key) } }

  func closeAll() {
    let channels = state.withLock { state in
      state.closed = true
      return Array(state.channels.values)
    }
    for channel in channels { channel.close(promise: nil) }
  }
}
