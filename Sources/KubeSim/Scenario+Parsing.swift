internal import Kube
public import Manifest

extension Scenario {
  /// Parses a scenario file; errors name the file and the field.
  public init(yaml text: String, file: String) throws(FieldError) {
    let document: Value
    do {
      document = try YAMLReader.document(text, file: file)
    } catch {
      throw FieldError(file: file, field: nil, message: error.description)
    }
    var fields = FieldReader(value: document, file: file)
    var nodes: [Node] = []
    for (path, item) in try fields.optionalList("nodes") ?? [] {
      var node = FieldReader(value: item, file: file, path: path)
      nodes.append(try Self.parseNode(&node, name: try node.requireString("name")))
    }
    for (path, item) in try fields.optionalList("nodePools") ?? [] {
      var pool = FieldReader(value: item, file: file, path: path)
      let prefix = try pool.requireString("namePrefix")
      guard let count = try pool.optionalInt("count"), count > 0 else { throw pool.error("count", "must be a positive integer") }
      let template = try Self.parseNode(&pool, name: prefix)
      for i in 1...count {
        var node = template
        node.name = "\(prefix)-\(i)"
        nodes.append(node)
      }
    }
    guard !nodes.isEmpty else { throw fields.error("nodes", "a scenario needs at least one node (nodes or nodePools)") }
    var defaults = ImageBehaviour(pullSeconds: 20, modelLoadSeconds: 0)
    if let d = try fields.optionalMap("defaults") {
      defaults = try Self.parseBehaviour(d).merged(over: defaults)
    }
    var images: [ImageRule] = []
    for (path, item) in try fields.optionalList("images") ?? [] {
      var rule = FieldReader(value: item, file: file, path: path)
      let image = try rule.optionalString("image")
      let suffix = try rule.optionalString("tagSuffix")
      guard (image == nil) != (suffix == nil) else { throw rule.error(nil, "set exactly one of image or tagSuffix") }
      rule.accept("image", "tagSuffix")
      images.append(ImageRule(image: image, tagSuffix: suffix, behaviour: try Self.parseBehaviour(rule)))
    }
    var digests: [DeclaredDigest] = []
    for (path, item) in try fields.optionalList("imageDigests") ?? [] {
      var entry = FieldReader(value: item, file: file, path: path)
      let reference = ImageReference(try entry.requireString("image"))
      guard reference.digest == nil else { throw entry.error("image", "a reference with a digest resolves to it: name a tag") }
      let digest = try entry.requireString("digest")
      guard ImageDigest.isDigest(digest) else { throw entry.error("digest", "expected sha256: and 64 lowercase hex digits") }
      let nodes = try entry.optionalStringList("nodes") ?? []
      try entry.rejectUnknownKeys()
      let declared = DeclaredDigest(image: reference.taggedName, digest: digest, nodes: nodes)
      // Two answers for one pull would make the cluster's answer depend on the list's order.
      let overlapping = digests.contains { other in
        other.image == declared.image && (other.nodes.isEmpty && nodes.isEmpty || !Set(other.nodes).isDisjoint(with: nodes))
      }
      guard !overlapping else { throw entry.error("image", "\(declared.image) is declared twice for the same nodes") }
      digests.append(declared)
    }
    let objects = (try fields.optionalList("objects") ?? []).map(\.value)
    var faults: [Fault] = []
    for (path, item) in try fields.optionalList("faults") ?? [] {
      var fault = FieldReader(value: item, file: file, path: path)
      let verb = try fault.requireString("verb")
      let verbs = ["get", "list", "watch", "create", "update", "patch", "apply", "delete", "evict", "*"]
      guard verbs.contains(verb) else { throw fault.error("verb", "expected one of \(verbs.joined(separator: ", "))") }
      let rate = try Self.number(&fault, "rate") ?? 0
      guard rate >= 0 && rate <= 1 else { throw fault.error("rate", "must be between 0 and 1") }
      let code = Int(try fault.optionalInt("code") ?? 503)
      let retry = try fault.optionalInt("retryAfterSeconds").map(Int.init)
      let disconnect = try fault.optionalInt("disconnectAfterEvents").map(Int.init)
      if let disconnect {
        guard verb == "watch" else { throw fault.error("disconnectAfterEvents", "only a watch can be disconnected") }
        guard disconnect >= 0 else { throw fault.error("disconnectAfterEvents", "must not be negative") }
      }
      try fault.rejectUnknownKeys()
      faults.append(Fault(verb: verb, rate: rate, code: code, retryAfterSeconds: retry, disconnectAfterEvents: disconnect))
    }
    let seed = UInt64(max(0, try fields.optionalInt("seed") ?? 1))
    let termination = try Self.number(&fields, "terminationSeconds") ?? 5
    var admission = AdmissionPlugins()
    if var plugins = try fields.optionalMap("admission") {
      admission.extendedResourceToleration = try plugins.optionalBool("extendedResourceToleration") ?? false
      try plugins.rejectUnknownKeys()
    }
    try fields.rejectUnknownKeys()
    self.init(
      nodes: nodes, defaults: defaults, images: images, objects: objects, faults: faults, seed: seed, terminationSeconds: termination,
      admission: admission)
    imageDigests = digests
  }

  static func parseNode(_ node: inout FieldReader, name: String) throws(FieldError) -> Node {
    node.accept("name", "namePrefix", "count")
    var labels: [String: String] = [:]
    for (k, v) in try node.optionalStringMap("labels") ?? [] { labels[k] = v }
    var taints: [Taint] = []
    for (path, item) in try node.optionalList("taints") ?? [] {
      var t = FieldReader(value: item, file: node.file, path: path)
      let effect = try t.requireString("effect")
      guard ["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) else {
        throw t.error("effect", "expected NoSchedule, PreferNoSchedule or NoExecute")
      }
      taints.append(Taint(key: try t.requireString("key"), value: try t.optionalString("value"), effect: effect))
      try t.rejectUnknownKeys()
    }
    var allocatable: [String: Double] = ["pods": 110]
    if let map = node.raw("allocatable")?.objectValue {
      for (resource, raw) in map {
        guard let quantity = Quantity(raw) else {
          throw node.error("allocatable.\(resource)", "expected a quantity such as 8, 500m or 64Gi")
        }
        allocatable[resource] = quantity.value
      }
    }
    let unschedulable = try node.optionalBool("unschedulable") ?? false
    try node.rejectUnknownKeys()
    return Node(name: name, labels: labels, taints: taints, allocatable: allocatable, unschedulable: unschedulable)
  }

  static func parseBehaviour(_ reader: FieldReader) throws(FieldError) -> ImageBehaviour {
    var r = reader
    var b = ImageBehaviour()
    b.pullSeconds = try number(&r, "pullSeconds")
    b.modelLoadSeconds = try number(&r, "modelLoadSeconds")
    if var crash = try r.optionalMap("crash") {
      b.crashAfterSeconds = try number(&crash, "afterSeconds") ?? 30
      b.crashExitCode = try crash.optionalInt("exitCode") ?? 1
      try crash.rejectUnknownKeys()
    }
    if var oom = try r.optionalMap("oom") {
      b.oomAfterSeconds = try number(&oom, "afterSeconds") ?? 60
      try oom.rejectUnknownKeys()
    }
    if var flap = try r.optionalMap("flap") {
      b.flapReadySeconds = try number(&flap, "readySeconds") ?? 60
      b.flapNotReadySeconds = try number(&flap, "notReadySeconds") ?? 30
      try flap.rejectUnknownKeys()
    }
    b.neverReady = try r.optionalBool("neverReady") ?? false
    b.pullError = try r.optionalBool("pullError") ?? false
    if let metrics = r.raw("metrics")?.objectValue {
      for (k, v) in metrics {
        guard let number = v.intValue.map(Double.init) ?? (v.isNull ? nil : { if case .float(let d) = v { return d } else { return nil } }()) else {
          throw r.error("metrics.\(k)", "expected a number")
        }
        b.metrics[k] = number
      }
    }
    try r.rejectUnknownKeys()
    return b
  }

  static func number(_ reader: inout FieldReader, _ key: String) throws(FieldError) -> Double? {
    guard let v = reader.raw(key) else { return nil }
    switch v {
    case .int(let i): return Double(i)
    case .float(let d): return d
    default: throw reader.error(key, "expected a number, got \(v.typeDescription)")
    }
  }
}
