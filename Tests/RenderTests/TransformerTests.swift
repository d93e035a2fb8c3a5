import Manifest
import Render
import Testing

@Suite struct TransformerTests {
  static let deployment: Value = [
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
    "spec": [
      "selector": ["matchLabels": ["app": "web"]],
      "template": [
        "metadata": ["labels": ["app": "web"]],
        "spec": ["containers": [["name": "web", "image": "nginx:1.25"]], "initContainers": [["name": "i", "image": "busybox"]]],
      ],
    ],
  ]
  static let namespace: Value = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "ns"]]

  @Test func namespaceSkipsClusterScopedKinds() {
    var resources = [Resource(object: Self.deployment, origin: "d"), Resource(object: Self.namespace, origin: "n")]
    NamespaceTransformer(namespace: "prod").apply(to: &resources)
    #expect(resources[0].object.namespace == "prod")
    #expect(resources[0].previousIDs.first?.namespace == nil)
    #expect(resources[1].object.namespace == nil)
  }

  @Test func prefixAndSuffixRenameButNotNamespaces() {
    var resources = [Resource(object: Self.deployment, origin: "d"), Resource(object: Self.namespace, origin: "n")]
    NameAffixTransformer(prefix: "a-", suffix: "-z").apply(to: &resources)
    #expect(resources[0].object.name == "a-web-z")
    // Each a rename of its own, as in kustomize; both remembered for name references.
    #expect(resources[0].previousIDs.map(\.name) == ["web", "a-web"])
    #expect(resources[0].namePrefixes == ["a-"] && resources[0].nameSuffixes == ["-z"])
    #expect(resources[1].object.name == "ns")
  }

  @Test(arguments: [
    (true, true, true), (false, false, false), (false, true, true),
  ])
  func labelsReachSelectorsOnlyWhenAsked(includeSelectors: Bool, includeTemplates: Bool, templateLabelled: Bool) throws {
    var resources = [Resource(object: Self.deployment, origin: "d")]
    try LabelTransformer(labels: [("team", "a")], includeSelectors: includeSelectors, includeTemplates: includeTemplates)
      .apply(to: &resources)
    let object = resources[0].object
    #expect(object[path: ["metadata", "labels", "team"]] == "a")
    #expect((object[path: ["spec", "selector", "matchLabels", "team"]] != nil) == includeSelectors)
    #expect((object[path: ["spec", "template", "metadata", "labels", "team"]] != nil) == templateLabelled)
  }

  @Test func annotationsReachPodTemplates() throws {
    var resources = [Resource(object: Self.deployment, origin: "d")]
    try AnnotationTransformer(annotations: [("owner", "me")]).apply(to: &resources)
    #expect(resources[0].object[path: ["metadata", "annotations", "owner"]] == "me")
    #expect(resources[0].object[path: ["spec", "template", "metadata", "annotations", "owner"]] == "me")
  }

  @Test(arguments: [
    ("nginx:1.25", Kustomization.ImageOverride(name: "nginx", newTag: "1.27"), "nginx:1.27"),
    ("nginx:1.25", Kustomization.ImageOverride(name: "nginx", newName: "mirror/nginx"), "mirror/nginx:1.25"),
    ("nginx:1.25", Kustomization.ImageOverride(name: "nginx", digest: "sha256:abc"), "nginx@sha256:abc"),
    ("localhost:5000/app:v1", Kustomization.ImageOverride(name: "localhost:5000/app", newTag: "v2"), "localhost:5000/app:v2"),
    ("nginx-other:1", Kustomization.ImageOverride(name: "nginx", newTag: "2"), "nginx-other:1"),
  ])
  func imagesRewriteByName(image: String, override: Kustomization.ImageOverride, expected: String) throws {
    var object = Self.deployment
    object[path: ["spec", "template", "spec", "containers"]] = [["name": "web", "image": .string(image)]]
    var resources = [Resource(object: object, origin: "d")]
    try ImageTransformer(overrides: [override]).apply(to: &resources)
    #expect(resources[0].object[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == .string(expected))
  }

  @Test func replicasMatchByNameAndFailLoudlyOtherwise() throws {
    var resources = [Resource(object: Self.deployment, origin: "d")]
    try ReplicaTransformer(overrides: [.init(name: "web", count: 3)], file: "k").apply(to: &resources)
    #expect(resources[0].object[path: ["spec", "replicas"]] == 3)
    #expect(throws: RenderError.self) {
      try ReplicaTransformer(overrides: [.init(name: "nope", count: 3)], file: "k").apply(to: &resources)
    }
  }

  @Test func legacyOrderPutsNamespacesFirstAndCoreGroupAfterNamedGroups() {
    let objects: [Value] = [
      ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"]],
      ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "j"]],
      ["apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": ["name": "w"]],
      ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "n"]],
      ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d"]],
    ]
    #expect(LegacyOrder().sorted(objects).compactMap(\.kind) == ["Namespace", "Deployment", "Job", "Pod", "ValidatingWebhookConfiguration"])
  }
}

