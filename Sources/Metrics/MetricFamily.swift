/// One metric in Prometheus' text exposition format: a name, its help and type, and samples.
public struct MetricFamily: Sendable, Equatable {
  public struct Sample: Sendable, Equatable {
    /// In the order written; values are escaped when rendered.
    public var labels: [(String, String)]
    public var value: Double

    public init(labels: [(String, String)], value: Double) {
      self.labels = labels
      self.value = value
    }

    public static func == (a: Sample, b: Sample) -> Bool {
      a.value == b.value && a.labels.map { "\($0.0)=\($0.1)" } == b.labels.map { "\($0.0)=\($0.1)" }
    }
  }

  public var name: String
  public var help: String
  public var type: String
  public var samples: [Sample]

  public init(name: String, help: String, type: String = "gauge", samples: [Sample]) {
    self.name = name
    self.help = help
    self.type = type
    self.samples = samples
  }

  /// Text exposition format 0.0.4: `# HELP`, `# TYPE`, then one line per sample.
  public static func exposition(_ families: [MetricFamily]) -> String {
    var out = ""
    for family in families {
      out += "# HELP \(family.name) \(family.help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
      out += "# TYPE \(family.name) \(family.type)\n"
      for sample in family.samples {
        let labels = sample.labels.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: ",")
        out += family.name + (labels.isEmpty ? "" : "{\(labels)}") + " " + number(sample.value) + "\n"
      }
    }
    return out
  }

  static func escaped(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
  }

  /// Integers without a fraction (counts, Unix seconds), others as Swift prints them.
  static func number(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}
