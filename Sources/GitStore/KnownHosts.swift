internal import Hashing
public import Foundation

/// OpenSSH's known_hosts, which libgit2 1.5 does not read (it accepts any SSH host key unless
/// told otherwise): the host keys `release` trusts for SSH remotes. A host not listed, or
/// listed with another key, is refused — never trusted on first use, since the drift CronJob
/// has no one to ask.
public struct KnownHosts: Sendable {
  struct Entry: Sendable {
    var patterns: [String]
    /// `|1|salt|hash` entries (HashKnownHosts): the host name only as an HMAC.
    var hashed: (salt: Data, hash: Data)?
    var keyType: String
    var key: Data
    var revoked: Bool
  }

  var entries: [Entry]

  /// Lines as `ssh-keyscan` and `ssh` write them; comments, blank lines and `@cert-authority`
  /// lines (not supported here) are skipped.
  public init(_ text: String) {
    entries = text.split(whereSeparator: \.isNewline).compactMap { line in
      var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard let first = fields.first, !first.hasPrefix("#") else { return nil }
      var revoked = false
      if first.hasPrefix("@") {
        guard first == "@revoked" else { return nil }
        revoked = true
        fields.removeFirst()
      }
      guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { return nil }
      var hashed: (Data, Data)?
      if fields[0].hasPrefix("|1|") {
        let parts = fields[0].split(separator: "|")
        guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])), let hash = Data(base64Encoded: String(parts[2])) else { return nil }
        hashed = (salt, hash)
      }
      return Entry(patterns: fields[0].split(separator: ",").map(String.init), hashed: hashed, keyType: fields[1], key: key, revoked: revoked)
    }
  }

  public enum Verdict: Sendable, Equatable {
    case trusted
    case unknownHost
    case mismatch
    case revoked
  }

  /// Whether `key` (the server's raw public key blob) is the one listed for `host` on `port`.
  public func verify(host: String, port: Int?, key: Data) -> Verdict {
    let names = port.map { $0 == 22 ? [host] : ["[\(host)]:\($0)"] } ?? [host]
    if entries.contains(where: { $0.revoked && $0.key == key }) { return .revoked }
    let listed = entries.filter { !$0.revoked && names.contains(where: $0.matches) }
    if listed.isEmpty { return .unknownHost }
    return listed.contains { $0.key == key } ? .trusted : .mismatch
  }
}

extension KnownHosts.Entry {
  func matches(_ name: String) -> Bool {
    if let hashed {
      return Data(Hash.hmacSHA1(key: Array(hashed.salt), message: Array(name.utf8))) == hashed.hash
    }
    var matched = false
    for pattern in patterns {
      let negated = pattern.hasPrefix("!")
      let glob = negated ? String(pattern.dropFirst()) : pattern
      guard Self.glob(glob.lowercased(), name.lowercased()) else { continue }
      if negated { return false }
      matched = true
    }
    return matched
  }

  /// `*` and `?` as OpenSSH's host patterns use them.
  static func glob(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern), t = Array(text)
    func match(_ i: Int, _ j: Int) -> Bool {
      if i == p.count { return j == t.count }
      if p[i] == "*" { return (j...t.count).contains { match(i + 1, $0) } }
      guard j < t.count, p[i] == "?" || p[i] == t[j] else { return false }
      return match(i + 1, j + 1)
    }
    return match(0, 0)
  }
}
