internal import CLibCrypto

/// SHA-256 over data fed in pieces (a manifest's objects one at a time), through the system's
/// libcrypto: the same library libcurl and libgit2 link, so hashing adds no build time.
public struct SHA256Hasher: ~Copyable {
  private let context: OpaquePointer

  public init() {
    // Allocation fails only when memory is exhausted, where nothing else would go on either.
    guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
      fatalError("libcrypto: cannot set up SHA-256")
    }
    self.context = context
  }

  deinit { EVP_MD_CTX_free(context) }

  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) }
  }

  public consuming func finalize() -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    _ = EVP_DigestFinal_ex(context, &digest, &length)
    return Array(digest.prefix(Int(length)))
  }
}

public enum Hash {
  public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
    var hasher = SHA256Hasher()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// HMAC-SHA1: how OpenSSH hashes host names in known_hosts (`|1|salt|hash`).
  public static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var code = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = key.withUnsafeBytes { key in
      message.withUnsafeBufferPointer { message in
        HMAC(EVP_sha1(), key.baseAddress, Int32(key.count), message.baseAddress, message.count, &code, &length)
      }
    }
    return ok == nil ? [] : Array(code.prefix(Int(length)))
  }

  /// Lowercase hex, two digits a byte, as digests are written.
  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text = [UInt8]()
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
