internal import Manifest
internal import Rollout

/// sha256 of a text, as `ManifestDigest` writes digests.
enum ManifestDigestText {
  static func sha256(_ text: String) -> String { ManifestDigest.of([.string(text)]) }
}
