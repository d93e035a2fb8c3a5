import Crypto
import Foundation
import GitStore
import Testing

@Suite struct KnownHostsTests {
  static let key = Data("server-key".utf8)
  static let other = Data("another-key".utf8)

  @Test func plainPortAndPatternEntries() {
    let hosts = KnownHosts(
      """
      # a comment
      git.example.com,10.0.0.5 ssh-ed25519 \(Self.key.base64EncodedString())
      [git.example.com]:2222 ssh-ed25519 \(Self.other.base64EncodedString())
      *.corp.example,!evil.corp.example ssh-rsa \(Self.key.base64EncodedString())
      @cert-authority *.example.com ssh-rsa \(Self.other.base64EncodedString())
      """)
    #expect(hosts.verify(host: "git.example.com", port: nil, key: Self.key) == .trusted)
    #expect(hosts.verify(host: "10.0.0.5", port: 22, key: Self.key) == .trusted)
    #expect(hosts.verify(host: "git.example.com", port: 2222, key: Self.other) == .trusted)
    #expect(hosts.verify(host: "git.example.com", port: 2222, key: Self.key) == .mismatch)
    #expect(hosts.verify(host: "GIT.example.com", port: nil, key: Self.other) == .mismatch)
    #expect(hosts.verify(host: "build.corp.example", port: nil, key: Self.key) == .trusted)
    #expect(hosts.verify(host: "evil.corp.example", port: nil, key: Self.key) == .unknownHost)
    #expect(hosts.verify(host: "unknown.example.org", port: nil, key: Self.key) == .unknownHost)
  }

  @Test func hashedAndRevokedEntries() {
    let salt = Data((0..<20).map { UInt8($0) })
    let hash = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data("[git.example.com]:2222".utf8), using: SymmetricKey(data: salt)))
    let hosts = KnownHosts(
      """
      |1|\(salt.base64EncodedString())|\(hash.base64EncodedString()) ssh-ed25519 \(Self.key.base64EncodedString())
      @revoked * ssh-ed25519 \(Self.other.base64EncodedString())
      """)
    #expect(hosts.verify(host: "git.example.com", port: 2222, key: Self.key) == .trusted)
    #expect(hosts.verify(host: "git.example.com", port: nil, key: Self.key) == .unknownHost)
    #expect(hosts.verify(host: "git.example.com", port: 2222, key: Self.other) == .revoked)
  }
}
