internal import Hashing
public import Manifest

/// `sha256:<hex>` of objects as canonical JSON, in order: equal digests, equal manifests.
public enum ManifestDigest {
  public static func of(_ objects: [Value]) -> String {
    var hasher = SHA256Hasher()
    for object in objects { hasher.update(Array(JSON.string(object.canonical).utf8)) }
    return "sha256:" + Hash.hex(hasher.finalize())
  }
}
