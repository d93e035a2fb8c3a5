public import Foundation

/// A bearer token kept in a file that something else rotates (kubelet for service-account
/// tokens). Like client-go's cached file token source it re-reads the file at most once per
/// `refreshInterval`, at once after `invalidate()`, and keeps the last good token when a
/// re-read fails.
public actor TokenFileCredentialSource: CredentialSource {
  public let path: String
  let refreshInterval: TimeInterval
  let now: @Sendable () -> Date

  private var token: String?
  private var readAt: Date?

  public init(path: String, refreshInterval: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() }) {
    self.path = path
    let parts = refreshInterval.components
    self.refreshInterval = TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    self.now = now
  }

  public func current() async throws(KubeError) -> ResolvedCredentials {
    let time = now()
    if let token, let readAt, time.timeIntervalSince(readAt) < refreshInterval { return .bearerToken(token) }
    do throws(KubeError) {
      let fresh = try read()
      token = fresh
      readAt = time
      return .bearerToken(fresh)
    } catch {
      // A rotation in progress must not break requests that the old token still serves.
      if let token { return .bearerToken(token) }
      throw error
    }
  }

  public func invalidate() async {
    readAt = nil
  }

  /// Re-reads only if the rejected token is the one held: a newer one was already read.
  public func invalidate(rejected: ResolvedCredentials) async {
    if case .bearerToken(let rejectedToken) = rejected, rejectedToken != token { return }
    readAt = nil
  }

  func read() throws(KubeError) -> String {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .configuration("cannot read token file \(path): \(KubeConfigPaths.readFailureReason(error))")
    }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !text.isEmpty else { throw .configuration("token file \(path) is empty") }
    return text
  }
}
