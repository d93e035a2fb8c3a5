import Foundation
import Manifest
import Testing

/// Input nobody reviewed (the drift CronJob renders whatever is in git) must fail fast, in
/// bounded memory, with an error naming the file — never hang or exhaust the pod.
@Suite struct HostileYAMLTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var message: String
    var testDescription: String { name }
  }

  /// Nine levels of nine: an alias tree of 9^9 (387 million) strings.
  static let billionLaughs: String = {
    var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in 1...9 {
      let refs = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
      text += "l\(level): &l\(level) [\(refs)]\n"
    }
    return text
  }()

  /// The same tree used as a mapping key: a parser that hashes keys to find duplicates would
  /// walk all of it.
  static let laughsAsKey: String = {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1...8 {
      text += "a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n"
    }
    return text + "keyed: {? *a8 : 1}\n"
  }()

  static let cases: [Case] = [
    Case(name: "billion laughs", yaml: billionLaughs, message: "YAML aliases expand to more than 250000 nodes"),
    Case(name: "billion laughs as a mapping key", yaml: laughsAsKey, message: "YAML aliases expand to more than"),
    Case(
      name: "nesting deeper than the limit", yaml: "a: " + String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
      message: "nested deeper than 256 levels"),
    Case(name: "alias before its anchor", yaml: "a: *x\nb: &x 1\n", message: "unknown anchor 'x' referenced"),
    Case(name: "anchor that contains itself", yaml: "a: &x [1, *x]\n", message: "unknown anchor 'x' referenced"),
    Case(name: "a collection as a mapping key", yaml: "? [a, b]\n: 1\n", message: "mapping keys must be scalars"),
  ]

  /// The work is bounded by counts (expanded nodes, depth), not by a timer, so this holds on a
  /// loaded machine too; how fast the refusal is, next to kubectl's, is
  /// scripts/bench/hostile-yaml.sh's to say.
  @Test(arguments: cases)
  func refusesInBoundedMemoryNamingTheFile(_ testCase: Case) {
    let peakBefore = Self.peakResidentBytes()
    do throws(ManifestError) {
      _ = try YAMLReader.documents(testCase.yaml, file: "hostile.yaml")
      Issue.record("expected an error")
    } catch {
      #expect(error.file == "hostile.yaml")
      #expect(error.description.hasPrefix("hostile.yaml"))
      #expect(error.message.contains(testCase.message), "\(error)")
    }
    #expect(Self.peakResidentBytes() - peakBefore < 200 << 20)
  }

  @Test func refusesAStreamLargerThanTheLimit() {
    let limits = YAMLLimits(maxBytes: 1000, maxDepth: 10, maxAliasNodes: 10)
    #expect(throws: ManifestError.self) {
      try YAMLReader.documents("a: " + String(repeating: "x", count: 1000), file: "big.yaml", limits: limits)
    }
    do {
      _ = try YAMLReader.documents(String(repeating: "a", count: 2000), file: "big.yaml", limits: limits)
    } catch {
      #expect(error.description == "big.yaml: YAML of 2000 bytes is larger than the limit of 1000 bytes; refusing to read it")
    }
  }

  /// Aliases within the limit are honoured, and expand to the anchored value.
  @Test func readsModestAliases() throws {
    let doc = try YAMLReader.document("base: &env {name: A, value: \"1\"}\nenv: [*env, *env]\nkey: &k name\nm: {*k : 2}\n", file: "t.yaml")
    #expect(doc["env"] == [["name": "A", "value": "1"], ["name": "A", "value": "1"]])
    #expect(doc["m"] == ["name": 2])
  }

  /// Peak resident set of this process (ru_maxrss is in KiB on Linux).
  static func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
      getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    return Int(usage.ru_maxrss) * 1024
  }
}
