import Manifest

/// `environments/<name>/release.yaml`: what Kustomize does not say about an environment.
/// The schema grows with the rollout, health-gate and promotion work; today it names the cluster.
public struct EnvironmentConfig: Sendable, Equatable {
  public enum Cluster: Sendable, Equatable {
    /// The simulated cluster embedded in `release`; state under `.release/sim/` of the repo, or
    /// `.release/sim/<name>/` for a named one (staging and prod on separate clusters, as for real).
    case embedded(name: String?, scenario: String?)
    /// A real cluster through a kubeconfig context (`path` nil: $KUBECONFIG or ~/.kube/config).
    case kubeconfig(context: String, path: String?)
    /// The cluster `release` runs in (service-account token), e.g. the drift CronJob.
    case inCluster
  }

  public static let apiVersion = "release.dev/v1alpha1"
  public static let kind = "Environment"

  /// Where release records and the apply lock live, and how many records are kept.
  public struct Records: Sendable, Equatable {
    /// nil: the environment's namespace.
    public var namespace: String?
    public var historyMax: Int

    public init(namespace: String? = nil, historyMax: Int = 10) {
      self.namespace = namespace
      self.historyMax = historyMax
    }
  }

  /// One of the clusters an environment runs on: `cluster:` (no name), or an entry of
  /// `clusters:` (named, rolled in the listed order).
  public struct NamedCluster: Sendable, Equatable {
    public var name: String?
    public var cluster: Cluster

    public init(name: String?, cluster: Cluster) {
      self.name = name
      self.cluster = cluster
    }
  }

  /// Never empty: `cluster:` is one unnamed entry.
  public var clusters: [NamedCluster]
  /// The first cluster: the only one unless release.yaml lists `clusters:`.
  public var cluster: Cluster {
    get { clusters[0].cluster }
    set { clusters = [NamedCluster(name: nil, cluster: newValue)] }
  }
  public var records: Records
  /// `apply` deletes tracked objects no longer rendered, as `--prune` does.
  public var prune: Bool
  /// Health gates, rollback and the metrics source.
  public var rollout: RolloutConfig
  /// What `release promote` copies between environments.
  public var pins: PinsConfig = PinsConfig()

  public init(cluster: Cluster, records: Records = Records(), prune: Bool = false, rollout: RolloutConfig = RolloutConfig()) {
    self.clusters = [NamedCluster(name: nil, cluster: cluster)]
    self.records = records
    self.prune = prune
    self.rollout = rollout
  }

  /// Validates every field; unknown keys are errors so a typo cannot silently change behaviour.
  public init(parsing text: String, file: String) throws(EnvironmentError) {
    let document: Value
    do {
      document = try YAMLReader.document(text, file: file)
    } catch {
      throw EnvironmentError(file: file, field: nil, line: error.line, message: error.message)
    }
    do {
      (clusters, records, prune, rollout, pins) = try Self.parse(document, file: file)
    } catch {
      throw EnvironmentError(file: error.file, field: error.field, message: error.message)
    }
  }

  private static func parse(_ document: Value, file: String) throws(FieldError) -> ([NamedCluster], Records, Bool, RolloutConfig, PinsConfig) {
    var fields = FieldReader(value: document, file: file, path: "")
    try fields.requireString("apiVersion", equalTo: Self.apiVersion)
    try fields.requireString("kind", equalTo: Self.kind)
    let clusters = try Self.parseClusters(&fields, file: file)
    var records = Records()
    if var recordFields = try fields.optionalMap("records") {
      records.namespace = try recordFields.optionalString("namespace")
      if let max = try recordFields.optionalInt("historyMax") {
        guard max >= 1 else { throw FieldError(file: file, field: "records.historyMax", message: "must be at least 1 (found \(max))") }
        records.historyMax = Int(max)
      }
      try recordFields.rejectUnknownKeys()
    }
    let prune = try fields.optionalBool("prune") ?? false
    var rollout = try RolloutConfig.parse(
      rollout: try fields.optionalMap("rollout"), gates: try fields.optionalList("gates"), metrics: try fields.optionalMap("metrics"), file: file)
    let pins = try PinsConfig.parse(try fields.optionalMap("pins"))
    try fields.rejectUnknownKeys()
    if clusters.allSatisfy({ if case .embedded = $0.cluster { true } else { false } }) {
      rollout.metrics = rollout.metrics ?? .embedded
    } else if rollout.metrics == .embedded {
      throw FieldError(file: file, field: "metrics.embedded", message: "only embedded clusters have embedded metrics; name a prometheus url")
    } else if rollout.metrics == nil, let gate = rollout.gates.first {
      throw FieldError(
        file: file, field: "gates", message: "gate \"\(gate.name)\" needs a metrics source: set metrics.prometheus.url")
    }
    return (clusters, records, prune, rollout, pins)
  }

  /// `cluster:` or `clusters:` (exactly one). Each entry of `clusters:` is a `cluster:` entry
  /// with a `name`; names are unique and no cluster is listed twice, so a wave never rolls
  /// one cluster two times under two names.
  private static func parseClusters(_ fields: inout FieldReader, file: String) throws(FieldError) -> [NamedCluster] {
    let single = try fields.optionalMap("cluster")
    let list = try fields.optionalList("clusters")
    switch (single, list) {
    case (let single?, nil):
      return [NamedCluster(name: nil, cluster: try parseCluster(single, file: file))]
    case (nil, nil):
      throw FieldError(file: file, field: "cluster", message: "required field is missing (or list several under clusters)")
    case (_?, _?):
      throw FieldError(file: file, field: "clusters", message: "set either cluster (one) or clusters (several, rolled in order), not both")
    case (nil, let list?):
      guard !list.isEmpty else { throw FieldError(file: file, field: "clusters", message: "list at least one cluster, or use cluster") }
      var clusters: [NamedCluster] = []
      for (path, item) in list {
        var entry = FieldReader(value: item, file: file, path: path)
        let name = try entry.requireString("name")
        guard Self.isClusterName(name) else {
          throw entry.error("name", "\"\(name)\" is not a cluster name: lowercase letters, digits and '-', starting with a letter, at most 63")
        }
        if let first = clusters.firstIndex(where: { $0.name == name }) {
          throw entry.error("name", "\"\(name)\" is already the name of clusters[\(first)]")
        }
        entry.accept("name")
        let cluster = try parseCluster(entry, file: file)
        if let first = clusters.firstIndex(where: { $0.cluster == cluster }) {
          throw FieldError(file: file, field: path, message: "the same cluster as clusters[\(first)] (\(clusters[first].name ?? "")): a wave would roll it twice")
        }
        clusters.append(NamedCluster(name: name, cluster: cluster))
      }
      return clusters
    }
  }

  private static func parseCluster(_ clusterFields: FieldReader, file: String) throws(FieldError) -> Cluster {
    var cluster = clusterFields
    let embedded = try cluster.optionalMap("embedded")
    let kubeconfig = try cluster.optionalMap("kubeconfig")
    let inCluster = try cluster.optionalBool("inCluster")
    try cluster.rejectUnknownKeys()

    let chosen = [embedded != nil, kubeconfig != nil, inCluster == true].filter { $0 }.count
    guard chosen == 1 else {
      throw FieldError(
        file: file, field: cluster.path,
        message: "exactly one of embedded, kubeconfig or inCluster: true must be set (found \(chosen))")
    }
    if var embedded {
      let name = try embedded.optionalString("name")
      if let name, !Self.isClusterName(name) {
        throw FieldError(
          file: file, field: embedded.fieldPath("name"),
          message: "\"\(name)\" is not a cluster name: lowercase letters, digits and '-', starting with a letter, at most 63")
      }
      let scenario = try embedded.optionalString("scenario")
      try embedded.rejectUnknownKeys()
      return .embedded(name: name, scenario: scenario)
    } else if var kubeconfig {
      let context = try kubeconfig.requireString("context")
      let path = try kubeconfig.optionalString("path")
      try kubeconfig.rejectUnknownKeys()
      return .kubeconfig(context: context, path: path)
    }
    return .inCluster
  }

  /// A name that is safe as a directory under `.release/sim/` (a DNS label).
  static func isClusterName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 63 else { return false }
    return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }
}
