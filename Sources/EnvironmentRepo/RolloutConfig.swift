import Manifest

/// release.yaml's `rollout:` and `gates:`: when a new version counts as unhealthy, what happens
/// then, and where metrics come from. Pure configuration; the Rollout target acts on it.
public struct RolloutConfig: Sendable, Equatable {
  /// What an enforced gate's failure leads to.
  public enum OnFailure: String, Sendable, Equatable {
    /// Re-apply the last good release, then exit 3.
    case rollback
    /// Leave the environment as the failed rollout left it, then exit 4 (for debugging a bad version live).
    case stop
  }

  /// Where gate queries go.
  public enum MetricsSourceConfig: Sendable, Equatable {
    /// The embedded cluster answers from its image behaviours; only valid with `cluster.embedded`.
    case embedded
    /// A Prometheus HTTP API; the bearer token, if any, read from a file (never from release.yaml).
    case prometheus(url: String, tokenFile: String?)
  }

  /// A restart count above this fails the rollout (crash loops usually trip CrashLoopBackOff first).
  public var maxRestarts: Int
  /// Added to the readiness probe's window before a running container that never became ready fails.
  public var readinessGraceSeconds: Int
  /// After every pod is ready, how long the metric gates must hold.
  public var bakeSeconds: Int
  /// A pre-pull slower than this fails the rollout before its first step.
  public var prePullTimeoutSeconds: Int = 1800
  /// After a promotion's rollout was rolled back: keep the promotion commit (git says the new
  /// version, its pins frozen until a commit changes them) or commit its revert (git and the
  /// cluster agree again).
  public var afterRollback: AfterRollback = .freeze

  public enum AfterRollback: String, Sendable, Equatable {
    case freeze
    case revert
  }
  /// How often metric gates are evaluated while baking.
  public var gateIntervalSeconds: Int
  public var onFailure: OnFailure
  /// After an automatic rollback, refuse the failed version's pins until a commit changes them.
  public var freezePins: Bool
  public var gates: [MetricGateConfig]
  /// nil: the embedded cluster's own source where the cluster is embedded, else no metric gates allowed.
  public var metrics: MetricsSourceConfig?

  public init(
    maxRestarts: Int = 2, readinessGraceSeconds: Int = 120, bakeSeconds: Int = 0, gateIntervalSeconds: Int = 15,
    onFailure: OnFailure = .rollback, freezePins: Bool = true, gates: [MetricGateConfig] = [], metrics: MetricsSourceConfig? = nil
  ) {
    self.maxRestarts = maxRestarts
    self.readinessGraceSeconds = readinessGraceSeconds
    self.bakeSeconds = bakeSeconds
    self.gateIntervalSeconds = gateIntervalSeconds
    self.onFailure = onFailure
    self.freezePins = freezePins
    self.gates = gates
    self.metrics = metrics
  }
}

/// One Prometheus query that must hold while a new version bakes.
public struct MetricGateConfig: Sendable, Equatable {
  public enum Bound: Sendable, Equatable {
    /// Every sample must be ≤ the value (error ratios, latencies, cache usage).
    case atMost(Double)
    /// Every sample must be ≥ the value (success ratios).
    case atLeast(Double)
  }

  /// What an empty answer means, so an idle service can neither wedge nor falsely pass a rollout.
  public enum NoData: String, Sendable, Equatable {
    case fail
    case pass
    /// Keep evaluating; fail if no data arrived by the end of the bake.
    case wait
  }

  public enum Mode: String, Sendable, Equatable {
    case enforce
    /// Report the verdict, never roll back: for trying a query before trusting it.
    case observe
  }

  public var name: String
  /// PromQL; `$namespace` is replaced by the Deployment's namespace.
  public var query: String
  public var bound: Bound
  public var noData: NoData
  public var mode: Mode

  public init(name: String, query: String, bound: Bound, noData: NoData = .fail, mode: Mode = .enforce) {
    self.name = name
    self.query = query
    self.bound = bound
    self.noData = noData
    self.mode = mode
  }
}

extension RolloutConfig {
  static func parse(rollout: FieldReader?, gates: [(path: String, value: Value)]?, metrics: FieldReader?, file: String)
    throws(FieldError) -> RolloutConfig
  {
    var config = RolloutConfig()
    if var fields = rollout {
      if let n = try fields.optionalInt("maxRestarts") { config.maxRestarts = try nonNegative(n, fields, "maxRestarts") }
      if let n = try fields.optionalInt("readinessGraceSeconds") { config.readinessGraceSeconds = try nonNegative(n, fields, "readinessGraceSeconds") }
      if let n = try fields.optionalInt("bakeSeconds") { config.bakeSeconds = try nonNegative(n, fields, "bakeSeconds") }
      if let n = try fields.optionalInt("prePullTimeoutSeconds") { config.prePullTimeoutSeconds = try nonNegative(n, fields, "prePullTimeoutSeconds") }
      if let n = try fields.optionalInt("gateIntervalSeconds") {
        guard n >= 1 else { throw fields.error("gateIntervalSeconds", "must be at least 1 (found \(n))") }
        config.gateIntervalSeconds = Int(n)
      }
      if let text = try fields.optionalString("onFailure") {
        guard let value = OnFailure(rawValue: text) else { throw fields.error("onFailure", "expected rollback or stop, got \"\(text)\"") }
        config.onFailure = value
      }
      if let freeze = try fields.optionalBool("freezePins") { config.freezePins = freeze }
      if let text = try fields.optionalString("afterRollback") {
        guard let value = AfterRollback(rawValue: text) else { throw fields.error("afterRollback", "expected freeze or revert, got \"\(text)\"") }
        config.afterRollback = value
      }
      try fields.rejectUnknownKeys()
    }
    var names: Set<String> = []
    for (path, item) in gates ?? [] {
      guard item.objectValue != nil else { throw FieldError(file: file, field: path, message: "expected a map, got \(item.typeDescription)") }
      let gate = try MetricGateConfig.parse(FieldReader(value: item, file: file, path: path))
      guard names.insert(gate.name).inserted else { throw FieldError(file: file, field: "\(path).name", message: "gate \"\(gate.name)\" is defined twice") }
      config.gates.append(gate)
    }
    if var fields = metrics {
      let embedded = try fields.optionalBool("embedded")
      let prometheus = try fields.optionalMap("prometheus")
      try fields.rejectUnknownKeys()
      switch (embedded == true, prometheus) {
      case (true, nil): config.metrics = .embedded
      case (false, var prometheus?):
        let url = try prometheus.requireString("url")
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
          throw prometheus.error("url", "expected an http:// or https:// URL, got \"\(url)\"")
        }
        config.metrics = .prometheus(url: url, tokenFile: try prometheus.optionalString("tokenFile"))
        try prometheus.rejectUnknownKeys()
      default:
        throw fields.error(nil, "exactly one of embedded: true or prometheus: {url} must be set")
      }
    }
    return config
  }

  private static func nonNegative(_ n: Int64, _ fields: FieldReader, _ key: String) throws(FieldError) -> Int {
    guard n >= 0 else { throw fields.error(key, "must not be negative (found \(n))") }
    return Int(n)
  }
}

extension MetricGateConfig {
  static func parse(_ reader: FieldReader) throws(FieldError) -> MetricGateConfig {
    var fields = reader
    let name = try fields.requireString("name")
    let query = try fields.requireString("query")
    let max = try fields.optionalNumber("max")
    let min = try fields.optionalNumber("min")
    let bound: Bound
    switch (max, min) {
    case (let max?, nil): bound = .atMost(max)
    case (nil, let min?): bound = .atLeast(min)
    default: throw fields.error(nil, "gate \"\(name)\": exactly one of max or min must be set")
    }
    var gate = MetricGateConfig(name: name, query: query, bound: bound)
    if let text = try fields.optionalString("noData") {
      guard let value = NoData(rawValue: text) else { throw fields.error("noData", "expected fail, pass or wait, got \"\(text)\"") }
      gate.noData = value
    }
    if let text = try fields.optionalString("mode") {
      guard let value = Mode(rawValue: text) else { throw fields.error("mode", "expected enforce or observe, got \"\(text)\"") }
      gate.mode = value
    }
    try fields.rejectUnknownKeys()
    return gate
  }
}
