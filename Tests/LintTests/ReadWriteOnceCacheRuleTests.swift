import Rollout
import Testing

@Suite struct ReadWriteOnceCacheRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var expected: [String]
    var testDescription: String { name }
  }

  static let f = LintFixtures.self
  static let modes = "PersistentVolumeClaim/model-cache in namespace llm spec.accessModes"
  static let volumes = "[{name: model-cache, persistentVolumeClaim: {claimName: model-cache, readOnly: true}}]"

  static func claim(_ modes: String) -> String {
    """
    ---
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: model-cache, namespace: llm}
    spec: {accessModes: \(modes), resources: {requests: {storage: 200Gi}}}

    """
  }

  static let cases: [Case] = [
    Case(name: "ReadOnlyMany, as the example", yaml: f.deployment(volumes: volumes) + claim("[ReadOnlyMany]"), expected: []),
    Case(
      name: "ReadWriteOnce and 2 replicas", yaml: f.deployment(volumes: volumes) + claim("[ReadWriteOnce]"),
      expected: ["\(modes): ReadWriteOnce, mounted as volume model-cache by \(f.vllm) with 2 replicas"]),
    Case(name: "ReadWriteOnce and 1 replica", yaml: f.deployment(replicas: 1, volumes: volumes) + claim("[ReadWriteOnce]"), expected: []),
    Case(
      name: "1 replica an HPA may scale to 4", yaml: f.deployment(replicas: 1, volumes: volumes) + claim("[ReadWriteOnce]") + f.hpa(max: 4),
      expected: ["\(modes): ReadWriteOnce, mounted as volume model-cache by \(f.vllm) with up to 4 replicas (its HPA's maxReplicas)"]),
    Case(
      name: "ReadWriteOncePod", yaml: f.deployment(volumes: volumes) + claim("[ReadWriteOncePod]"),
      expected: ["\(modes): ReadWriteOncePod, mounted as volume model-cache by \(f.vllm) with 2 replicas"]),
    Case(name: "a many-node mode too", yaml: f.deployment(volumes: volumes) + claim("[ReadWriteOnce, ReadOnlyMany]"), expected: []),
    Case(name: "a claim not rendered here", yaml: f.deployment(volumes: volumes), expected: []),
  ]

  @Test(arguments: cases) func flagsSingleNodeVolumesSharedByReplicas(_ c: Case) throws {
    #expect(try LintFixtures.lint(ReadWriteOnceCacheRule(), c.yaml) == c.expected)
  }
}
