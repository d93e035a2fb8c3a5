/// `release --version`. Bumped with each release of the tool.
enum ReleaseVersion {
  static let current = "0.3.0"
}
