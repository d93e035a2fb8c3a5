import Foundation
import Kube
import KubeSim
import KubeSimServer
import KubeTestSupport
import Manifest
import Synchronization
import Testing

/// The two implementations of `KubeAPI` every behaviour test runs against: the simulation
/// called in process, and the REST client over HTTPS to the same simulation served by
/// KubeSimServer. Identical assertions on both are what make the REST client faithful.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case sim
  case rest

  var testDescription: String { self == .sim ? "KubeSim in process" : "RESTClient over KubeSimServer" }
}

/// One backend around one simulation. `sim` is the same cluster either way, so tests move
/// its virtual time and inspect it directly.
struct Harness: Sendable {
  let api: any KubeAPI
  let sim: KubeSim
  let server: KubeSimServer?
  /// Every request the REST client put on the wire (method and path), nil in process.
  let wire: WireLog?
  let clock: RecordingClock
  let transport: CurlTransport?

  static func make(
    _ backend: Backend, sim: KubeSim, faults: ServerFaults = ServerFaults(), retry: RetryPolicy = RetryPolicy(),
    namespace: String = "default"
  ) async throws -> Harness {
    let clock = RecordingClock()
    switch backend {
    case .sim:
      return Harness(api: sim, sim: sim, server: nil, wire: nil, clock: clock, transport: nil)
    case .rest:
      let server = KubeSimServer(sim: sim, options: ServerOptions(tls: true, faults: faults))
      let endpoint = try await server.start()
      let connection = endpoint.connection(namespace: namespace)
      let wire = WireLog()
      let curl = try CurlTransport(configuration: TransportConfiguration(connection: connection))
      let transport = CountingTransport(inner: curl, log: wire)
      let client = try RESTClient(
        connection: connection, credentials: TokenSource(token: endpoint.token), transport: transport, retry: retry,
        clock: clock)
      return Harness(api: client, sim: sim, server: server, wire: wire, clock: clock, transport: curl)
    }
  }

  func close() async {
    // Closing our side first spares the server its TLS shutdown wait for idle clients.
    transport?.closeIdleConnections()
    await server?.shutdown()
  }
}

/// The admin token the server issued, as a credential source (kubeconfig loading lives elsewhere).
private struct TokenSource: CredentialSource {
  let token: String
  func current() async throws(KubeError) -> ResolvedCredentials { .bearerToken(token) }
  func invalidate() async {}
}

/// Records what reached the network, so a test can assert a request was sent exactly once.
final class WireLog: Sendable {
  private let entries = Mutex<[String]>([])
  func record(_ entry: String) { entries.withLock { $0.append(entry) } }
  var all: [String] { entries.withLock { $0 } }
  func count(_ method: String, _ pathSuffix: String) -> Int {
    all.filter { $0.hasPrefix(method + " ") && $0.hasSuffix(pathSuffix) }.count
  }
}

struct CountingTransport: HTTPTransport {
  let inner: any HTTPTransport
  let log: WireLog

  func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
    log.record("\(request.method) \(Self.path(request.url))")
    return try await inner.send(request)
  }

  func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
    log.record("\(request.method) \(Self.path(request.url))")
    return try await inner.stream(request)
  }

  func closeIdleConnections() { inner.closeIdleConnections() }

  static func path(_ url: String) -> String {
    URLComponents(string: url)?.path ?? url
  }
}

