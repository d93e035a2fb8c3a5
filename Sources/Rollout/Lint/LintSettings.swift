/// The assumptions lint measures against, as values so a caller (a later release.yaml field,
/// a test) can change them without touching a rule.
public struct LintSettings: Sendable, Hashable {
  /// Time allowed for a node to pull the image before the readiness window starts. A vLLM
  /// image with its CUDA layers is 10 GB and more; 120 s is a fast registry's first pull.
  public var imagePullAllowance: Duration
  /// How long one request may take to generate when a Deployment does not say
  /// (`release.dev/generation-seconds`): the proxy in front must wait at least this long.
  public var generationTime: Duration

  public init(imagePullAllowance: Duration = .seconds(120), generationTime: Duration = .seconds(300)) {
    self.imagePullAllowance = imagePullAllowance
    self.generationTime = generationTime
  }

  /// The Deployment annotation that states its longest generation, in whole seconds.
  public static let generationAnnotation = "release.dev/generation-seconds"
}
