public import Manifest

/// What the simulated cluster is made of and how workloads behave in it: nodes, per-image
/// behaviour (pull time, model load, crashes, metrics for health gates), initial objects,
/// faults, seed. Read from YAML; every field is checked and unknown ones are reported.
public struct Scenario: Sendable, Equatable {
  public struct Node: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var taints: [Taint]
    public var allocatable: [String: Double]
    public var unschedulable: Bool

    public init(name: String, labels: [String: String] = [:], taints: [Taint] = [], allocatable: [String: Double], unschedulable: Bool = false) {
      self.name = name
      self.labels = labels
      self.taints = taints
      self.allocatable = allocatable
      self.unschedulable = unschedulable
    }
  }

  public struct Taint: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String?
    public var effect: String

    public init(key: String, value: String? = nil, effect: String) {
      self.key = key
      self.value = value
      self.effect = effect
    }
  }

  public struct ImageBehaviour: Sendable, Equatable {
    public var pullSeconds: Double?
    public var modelLoadSeconds: Double?
    public var crashAfterSeconds: Double?
    public var crashExitCode: Int64 = 1
    public var oomAfterSeconds: Double?
    public var neverReady = false
    public var pullError = false
    /// Once ready, alternates ready for `flapReadySeconds` and not ready for `flapNotReadySeconds`.
    public var flapReadySeconds: Double?
    public var flapNotReadySeconds: Double?
    public var metrics: [String: Double] = [:]

    public init(
      pullSeconds: Double? = nil, modelLoadSeconds: Double? = nil, crashAfterSeconds: Double? = nil,
      oomAfterSeconds: Double? = nil, neverReady: Bool = false, pullError: Bool = false, metrics: [String: Double] = [:]
    ) {
      self.pullSeconds = pullSeconds
      self.modelLoadSeconds = modelLoadSeconds
      self.crashAfterSeconds = crashAfterSeconds
      self.oomAfterSeconds = oomAfterSeconds
      self.neverReady = neverReady
      self.pullError = pullError
      self.metrics = metrics
    }

    /// Later rules fill in what earlier ones left unset.
    func merged(over base: ImageBehaviour) -> ImageBehaviour {
      var result = base
      if let v = pullSeconds { result.pullSeconds = v }
      if let v = modelLoadSeconds { result.modelLoadSeconds = v }
      if let v = crashAfterSeconds { result.crashAfterSeconds = v; result.crashExitCode = crashExitCode }
      if let v = oomAfterSeconds { result.oomAfterSeconds = v }
      if neverReady { result.neverReady = true }
      if pullError { result.pullError = true }
      if let r = flapReadySeconds, let n = flapNotReadySeconds {
        result.flapReadySeconds = r
        result.flapNotReadySeconds = n
      }
      for (k, v) in metrics { result.metrics[k] = v }
      return result
    }
  }

  public struct ImageRule: Sendable, Equatable {
    /// Exact image, or a pattern with `*` at either end.
    public var image: String?
    /// Matches images whose tag ends with this (`-crash`).
    public var tagSuffix: String?
    public var behaviour: ImageBehaviour

    public init(image: String? = nil, tagSuffix: String? = nil, behaviour: ImageBehaviour) {
      self.image = image
      self.tagSuffix = tagSuffix
      self.behaviour = behaviour
    }

    func matches(_ image: String) -> Bool {
      if let pattern = self.image {
        if pattern.hasPrefix("*") && pattern.hasSuffix("*") && pattern.count > 1 {
          return image.contains(pattern.dropFirst().dropLast())
        }
        if pattern.hasPrefix("*") { return image.hasSuffix(pattern.dropFirst()) }
        if pattern.hasSuffix("*") { return image.hasPrefix(pattern.dropLast()) }
        return image == pattern
      }
      if let suffix = tagSuffix, let tag = ImageName.tag(of: image) { return tag.hasSuffix(suffix) }
      return false
    }
  }

  /// A share (`rate`) of requests of a verb fails with `code`; for `watch`, a rule with
  /// `disconnectAfterEvents` instead ends that share of watches cleanly after so many events,
  /// as an API server restart or a load balancer's idle cut does.
  public struct Fault: Sendable, Equatable {
    public var verb: String
    public var rate: Double
    public var code: Int
    public var retryAfterSeconds: Int?
    public var disconnectAfterEvents: Int?

    public init(verb: String, rate: Double, code: Int, retryAfterSeconds: Int? = nil, disconnectAfterEvents: Int? = nil) {
      self.verb = verb
      self.rate = rate
      self.code = code
      self.retryAfterSeconds = retryAfterSeconds
      self.disconnectAfterEvents = disconnectAfterEvents
    }
  }

  public var nodes: [Node]
  public var defaults: ImageBehaviour
  public var images: [ImageRule]
  public var objects: [Value]
  public var faults: [Fault]
  public var seed: UInt64
  /// Seconds an app takes to stop after SIGTERM (capped by the grace period).
  public var terminationSeconds: Double
  /// Optional admission plugins (`admission:` in the file); none unless asked for.
  public var admission: AdmissionPlugins
  /// Tags whose digest the scenario declares (`imageDigests:`); a tag not listed resolves to a
  /// digest derived from its name (`ImageDigest`).
  public var imageDigests: [DeclaredDigest] = []

  /// A tag as this cluster's registry serves it: `image` normalized with its tag
  /// (`docker.io/vllm/vllm-openai:v0.6.3`). With `nodes`, only pulls on those nodes get this
  /// digest: the tag was pushed again between two nodes' pulls, so pods disagree.
  public struct DeclaredDigest: Sendable, Equatable {
    public var image: String
    public var digest: String
    public var nodes: [String]

    public init(image: String, digest: String, nodes: [String] = []) {
      self.image = image
      self.digest = digest
      self.nodes = nodes
    }
  }

  public init(
    nodes: [Node], defaults: ImageBehaviour = ImageBehaviour(pullSeconds: 20, modelLoadSeconds: 0),
    images: [ImageRule] = [], objects: [Value] = [], faults: [Fault] = [], seed: UInt64 = 1, terminationSeconds: Double = 5,
    admission: AdmissionPlugins = AdmissionPlugins()
  ) {
    self.admission = admission
    self.nodes = nodes
    self.defaults = defaults
    self.images = images
    self.objects = objects
    self.faults = faults
    self.seed = seed
    self.terminationSeconds = terminationSeconds
  }

  /// The behaviour of an image: defaults, then every matching rule in order.
  public func behaviour(of image: String) -> ImageBehaviour {
    images.filter { $0.matches(image) }.reduce(defaults) { $1.behaviour.merged(over: $0) }
  }

  /// The `imageID` a container of `image` reports once pulled, as containerd writes it.
  public func imageID(of image: String, node: String) -> String {
    ImageDigest.imageID(of: image, node: node, declared: imageDigests)
  }
}
