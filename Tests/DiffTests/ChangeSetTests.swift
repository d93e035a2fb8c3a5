import Diff
import Manifest
import Testing

@Suite struct ChangeSetTests {
  static func deployment(image: String = "vllm:1", replicas: Int64 = 2, extra: (inout Value) -> Void = { _ in }) -> Value {
    var object: Value = [
      "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "ns"],
      "spec": ["replicas": .int(replicas), "template": ["spec": ["containers": [["name": "vllm", "image": .string(image)]]]]],
    ]
    extra(&object)
    return object
  }

  static func live(_ object: Value) -> Value {
    var copy = object
    copy[path: ["metadata", "uid"]] = "u-1"
    copy[path: ["metadata", "resourceVersion"]] = "42"
    copy[path: ["metadata", "generation"]] = 3
    copy[path: ["metadata", "managedFields"]] = [["manager": "release", "operation": "Apply"]]
    copy["status"] = ["replicas": 2]
    copy[path: ["metadata", "labels", TrackingLabel.key]] = "staging"
    return copy
  }

  @Test func serverBookkeepingAndStatusAreNoDifference() {
    let applied = Self.deployment()
    let set = ChangeSet.calculate(environment: "staging", desired: [DesiredObject(applied: applied, predicted: Self.live(applied), live: Self.live(applied))], tracked: [])
    #expect(!set.hasChanges)
    #expect(set.objects.map(\.action) == [.unchanged])
  }

  @Test func serverDefaultsNeitherGitNorTheLastReleaseSetAreNoDifference() {
    let applied = Self.deployment()
    // The live object carries a default the server filled in at another value than the dry
    // run reports (an older API server's default): nobody in git asked for either.
    let live = Self.live(Self.deployment { $0[path: ["spec", "revisionHistoryLimit"]] = 10 })
    let predicted = Self.live(Self.deployment { $0[path: ["spec", "revisionHistoryLimit"]] = 5 })
    let set = ChangeSet.calculate(environment: "staging", desired: [DesiredObject(applied: applied, predicted: predicted, live: live)], tracked: [])
    #expect(!set.hasChanges)
  }

  @Test func aFieldTheLastReleaseSetAndGitDroppedIsADifference() {
    let applied = Self.deployment()
    let previous = Self.deployment { $0[path: ["spec", "minReadySeconds"]] = 30 }
    let set = ChangeSet.calculate(
      environment: "staging",
      desired: [DesiredObject(applied: applied, predicted: Self.live(applied), live: Self.live(previous), lastApplied: previous)], tracked: [])
    #expect(set.objects.first?.fields.map(\.path.description) == ["spec.minReadySeconds"])
  }

  @Test func replicasOwnedByAnAutoscalerAreNoDifference() {
    let applied = Self.deployment(replicas: 2)
    let scaled = Self.live(Self.deployment(replicas: 4))
    let set = ChangeSet.calculate(
      environment: "staging",
      desired: [DesiredObject(applied: applied, predicted: Self.live(applied), live: scaled, replicasOwnedByAutoscaler: true)], tracked: [])
    #expect(!set.hasChanges)
  }

  @Test func createsAndPrunesAreListed() {
    let applied = Self.deployment()
    var orphan: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "old", "namespace": "ns"]]
    orphan[path: ["metadata", "labels", TrackingLabel.key]] = "staging"
    let set = ChangeSet.calculate(
      environment: "staging", desired: [DesiredObject(applied: applied, predicted: Self.live(applied), live: nil)], tracked: [orphan])
    #expect(set.objects.map(\.action) == [.create, .prune])
    #expect(set.objects.last?.id.name == "old")
  }

  static let secretValue = "hunter2-very-secret"

  static func secretChange() -> ChangeSet {
    func secret(_ data: Value) -> Value {
      ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "token", "namespace": "ns"], "data": data]
    }
    let oldB64 = "b2xkLXNlY3JldA=="  // old-secret
    let applied: Value = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "token", "namespace": "ns"], "stringData": ["password": .string(secretValue), "new": "x"]]
    var live = secret(["password": .string(oldB64), "removed": "eHl6"])
    live[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] = .string("{\"stringData\":{\"password\":\"old-secret\"}}")
    let lastApplied = secret(["password": .string(oldB64), "removed": "eHl6"])
    return ChangeSet.calculate(
      environment: "staging", desired: [DesiredObject(applied: applied, predicted: applied, live: live, lastApplied: lastApplied)], tracked: [])
  }

  @Test func secretValuesNeverAppearInAnyFormat() {
    let set = Self.secretChange()
    #expect(set.objects.first?.fields.map { "\($0.path) \($0.kind.rawValue)" } == ["data.new added", "data.password changed", "data.removed removed"])
    #expect(set.objects.first?.fields.allSatisfy { $0.old == nil && $0.new == nil } == true)
    let outputs = [
      TextDiffFormatter(colour: false).format(set), JSONDiffFormatter.format(set), MarkdownDiffFormatter.format(set),
    ]
    for output in outputs {
      for secret in [Self.secretValue, "aHVudGVyMi12ZXJ5LXNlY3JldA==", "old-secret", "b2xkLXNlY3JldA==", "eHl6"] {
        #expect(!output.contains(secret), "\(secret) leaked in:\n\(output)")
      }
      #expect(output.contains("password"))
    }
  }

  @Test func foreignFieldsAddedByHandAreRemovalsNamingTheField() throws {
    let applied = Self.deployment()
    var live = Self.live(Self.deployment {
      $0[path: ["spec", "template", "spec", "containers"]] = [["name": "vllm", "image": "vllm:1", "env": [["name": "DEBUG", "value": "1"]]]]
    })
    live[path: ["metadata", "managedFields"]] = [
      ["manager": "release", "operation": "Apply", "fieldsV1": ["f:spec": ["f:replicas": [:]]]],
      ["manager": "kubectl-set", "operation": "Update", "fieldsV1": try JSON.parse(
        #"{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"vllm\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"DEBUG\"}":{".":{},"f:name":{},"f:value":{}}}}}}}}}"#)],
    ]
    let foreign = ForeignFields.find(in: live, applied: applied, kind: "Deployment", ownManager: "release")
    #expect(foreign.map { "\($0.path) \($0.manager)" } == ["spec.template.spec.containers[name=vllm].env kubectl-set"])
    let set = ChangeSet.calculate(
      environment: "s", desired: [DesiredObject(applied: applied, predicted: live, live: live, foreignFields: foreign)], tracked: [])
    #expect(set.objects.first?.action == .update)
    #expect(set.objects.first?.fields.map(\.kind) == [.removed])
    let patch = try #require(ForeignFields.removalPatch(foreign.map(\.path)))
    #expect(JSON.string(patch) == #"{"spec":{"template":{"spec":{"containers":[{"name":"vllm","env":null}]}}}}"#)
  }
}
