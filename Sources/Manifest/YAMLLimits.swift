/// Bounds on what one YAML stream may cost to read. Environment repos come from git and the
/// drift CronJob renders them next to a service-account token, so a hostile file must fail
/// fast, in bounded memory, instead of exhausting the pod: a "billion laughs" document (aliases
/// of aliases) is rejected while its size is counted, before anything is expanded.
///
/// The defaults are far above any real Kubernetes manifest (the API server itself refuses an
/// object over 1.5 MiB, and real objects nest a few dozen levels at most).
public struct YAMLLimits: Sendable, Equatable {
  /// Size of the whole stream in UTF-8 bytes.
  public var maxBytes: Int
  /// Collections nested in one another (a scalar at the top is depth 0).
  public var maxDepth: Int
  /// Nodes that aliases add when expanded, summed over the stream: an alias of a map of ten
  /// scalars adds eleven. Counted without expanding, so the check itself is cheap.
  public var maxAliasNodes: Int

  public init(maxBytes: Int, maxDepth: Int, maxAliasNodes: Int) {
    self.maxBytes = maxBytes
    self.maxDepth = maxDepth
    self.maxAliasNodes = maxAliasNodes
  }

  public static let `default` = YAMLLimits(maxBytes: 32 << 20, maxDepth: 256, maxAliasNodes: 250_000)
}
