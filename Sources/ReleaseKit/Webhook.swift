public import Foundation
public import Kube
public import Manifest

/// Posts one JSON message to a webhook (Slack-compatible: a `text` field). Not retried after
/// the server may have seen it: a second post would be a second message; only a connection
/// that was refused (nothing sent) is tried again, on the injected clock.
public struct Webhook: Sendable, CustomStringConvertible {
  public let url: String
  let transport: any HTTPTransport
  let clock: any Clock<Duration>

  public init(url: String, transport: (any HTTPTransport)? = nil, clock: any Clock<Duration>) throws(ReleaseFailure) {
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
      scheme == "http" || scheme == "https", components.host?.isEmpty == false
    else { throw .badInput("--webhook \(url): not an http(s) URL with a host") }
    self.url = url
    self.clock = clock
    if let transport {
      self.transport = transport
    } else {
      do {
        self.transport = try CurlTransport(configuration: TransportConfiguration())
      } catch {
        throw .badInput("--webhook: \(error.message)")
      }
    }
  }

  /// The URL without its path: Slack's carries a secret.
  public var description: String {
    let components = URLComponents(string: url)
    return "webhook at \(components?.scheme ?? "https")://\(components?.host ?? "?")\(components?.port.map { ":\($0)" } ?? "")"
  }

  public func post(_ message: Value) async throws(ReleaseFailure) {
    let request = HTTPRequest(
      method: "POST", url: url, headers: [HTTPHeader("Content-Type", "application/json")], body: Data(JSON.string(message).utf8),
      timeout: .seconds(10), isIdempotent: false)
    var attempt = 1
    while true {
      let response: HTTPResponse
      do {
        response = try await transport.send(request)
      } catch {
        guard error.kind == .couldNotConnect, attempt < 3 else { throw ReleaseFailure(exit: .badInput, message: "\(self): \(error.message)") }
        do {
          try await clock.sleep(for: .seconds(attempt))
        } catch {
          throw ReleaseFailure(exit: .badInput, message: "\(self): cancelled while waiting to try again")
        }
        attempt += 1
        continue
      }
      guard (200..<300).contains(response.status) else {
        throw ReleaseFailure(exit: .badInput, message: "\(self) answered HTTP \(response.status)")
      }
      return
    }
  }
}
