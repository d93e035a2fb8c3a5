import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate and its PKCS#8 private key, both PEM.
public struct IssuedCertificate: Sendable, Hashable, CustomStringConvertible {
  public var certificatePEM: String
  public var keyPEM: String

  public var description: String { "certificate (key ***)" }

  public init(certificatePEM: String, keyPEM: String) {
    self.certificatePEM = certificatePEM
    self.keyPEM = keyPEM
  }
}

/// The server's throwaway PKI, made at start: a CA, a serving certificate for 127.0.0.1 and
/// localhost, and client certificates whose CN/O name the user and groups (as kube-apiserver
/// reads them).
struct PKI: Sendable {
  let caKey: Certificate.PrivateKey
  let caCertificate: Certificate
  let caName: DistinguishedName

  init() throws {
    let caKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let caName = try DistinguishedName { CommonName("kubesim-ca") }
    self.caKey = caKey
    self.caName = caName
    let now = Date()
    caCertificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caKey.publicKey,
      notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400 * 365),
      issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
        Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
        SubjectKeyIdentifier(hash: caKey.publicKey)
      },
      issuerPrivateKey: caKey)
  }

  /// Reuses a CA saved from an earlier run, so kubeconfigs written then stay valid.
  init(authority: IssuedCertificate) throws {
    caCertificate = try Certificate(pemEncoded: authority.certificatePEM)
    caKey = try Certificate.PrivateKey(pemEncoded: authority.keyPEM)
    caName = caCertificate.subject
  }

  /// The CA with its key, for a caller that persists it.
  var authority: IssuedCertificate {
    get throws { IssuedCertificate(certificatePEM: try caPEM, keyPEM: try caKey.serializeAsPEM().pemString) }
  }

  var caPEM: String {
    get throws { try caCertificate.serializeAsPEM().pemString }
  }

  func serverCertificate() throws -> IssuedCertificate {
    let subject = try DistinguishedName { CommonName("kubesim-apiserver") }
    return try issue(subject: subject, extensions: try Certificate.Extensions {
      SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
      try ExtendedKeyUsage([.serverAuth])
    })
  }

  /// A client certificate for `user` in `groups` (O=system:masters makes an admin).
  func clientCertificate(user: String, groups: [String]) throws -> IssuedCertificate {
    let subject = try DistinguishedName {
      for group in groups { OrganizationName(group) }
      CommonName(user)
    }
    return try issue(subject: subject, extensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) })
  }

  private func issue(subject: DistinguishedName, extensions: Certificate.Extensions) throws -> IssuedCertificate {
    let key = P256.Signing.PrivateKey()
    let now = Date()
    var extensions = extensions
    try extensions.append(Critical(BasicConstraints.notCertificateAuthority).makeCertificateExtension())
    try extensions.append(Critical(KeyUsage(digitalSignature: true, keyEncipherment: true)).makeCertificateExtension())
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
      notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400 * 30),
      issuer: caName, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
      issuerPrivateKey: caKey)
    return IssuedCertificate(certificatePEM: try certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
  }

  /// The user (CN) and groups (O) a client certificate names.
  static func identity(ofDER der: [UInt8]) -> (user: String, groups: [String])? {
    guard let certificate = try? Certificate(derEncoded: der) else { return nil }
    var user: String?
    var groups: [String] = []
    for rdn in certificate.subject {
      for attribute in rdn {
        if attribute.type == .RDNAttributeType.commonName { user = String(attribute.value) }
        if attribute.type == .RDNAttributeType.organizationName, let group = String(attribute.value) { groups.append(group) }
      }
    }
    return user.map { ($0, groups) }
  }
}
