internal import Crypto
public import Manifest

/// `sha256:<hex>` of objects as canonical JSON, in order: equal digests, equal manifests.
public enum ManifestDigest {
  public static func of(_ objects: [Value]) -> String {
    var hasher = SHA256()
    for object in objects { hasher.update(data: Array(JSON.string(object.canonical).utf8)) }
    return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
  }
}
