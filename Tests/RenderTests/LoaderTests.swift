import Manifest
import Render
import Testing

@Suite struct LoaderTests {
  static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: String]
    var message: String
    var testDescription: String { name }
  }

  static let badInputs: [Case] = [
    Case(name: "no kustomization", files: ["/r/other.yaml": configMap], message: "/r: no kustomization.yaml"),
    Case(
      name: "two kustomization files",
      files: ["/r/kustomization.yaml": "resources: []\n", "/r/kustomization.yml": "resources: []\n"],
      message: "more than one kustomization file"),
    Case(
      name: "missing resource", files: ["/r/kustomization.yaml": "resources: [nope.yaml]\n"],
      message: "/r/kustomization.yaml: resources[0]: nope.yaml: no such file or directory"),
    Case(
      name: "cycle",
      files: ["/r/kustomization.yaml": "resources: [a]\n", "/r/a/kustomization.yaml": "resources: [../b]\n", "/r/b/kustomization.yaml": "resources: [../a]\n"],
      message: "cycle in kustomizations: /r/a -> /r/b -> /r/a"),
    Case(
      name: "file outside the root",
      files: ["/r/kustomization.yaml": "resources: [../cm.yaml]\n", "/cm.yaml": configMap],
      message: "security; file ../cm.yaml is not in or below /r"),
    Case(
      name: "malformed YAML with its line",
      files: ["/r/kustomization.yaml": "resources: [cm.yaml]\n", "/r/cm.yaml": "a: 1\nb: [x\n"],
      message: "/r/cm.yaml:3"),
    Case(
      name: "duplicate ids",
      files: ["/r/kustomization.yaml": "resources: [a.yaml, b.yaml]\n", "/r/a.yaml": configMap, "/r/b.yaml": configMap],
      message: "already registered id: ConfigMap/x"),
    Case(name: "unknown field", files: ["/r/kustomization.yaml": "resourcez: []\n"], message: "resourcez: unknown field"),
    Case(
      name: "wrong type", files: ["/r/kustomization.yaml": "namePrefix: [a]\n"],
      message: "namePrefix: expected a string, got a list"),
    Case(
      name: "unsupported field", files: ["/r/kustomization.yaml": "helmCharts: []\n"],
      message: "helmCharts: is not supported by release render"),
    Case(
      name: "object without a name",
      files: ["/r/kustomization.yaml": "resources: [cm.yaml]\n", "/r/cm.yaml": "apiVersion: v1\nkind: ConfigMap\n"],
      message: "has no metadata.name"),
    Case(
      name: "JSON 6902 patch without target",
      files: ["/r/kustomization.yaml": "patches:\n- patch: '[{\"op\": \"remove\", \"path\": \"/a\"}]'\n"],
      message: "patches[0]: a JSON 6902 patch (a list of operations) needs a target"),
    Case(
      name: "patch that matches nothing",
      files: ["/r/kustomization.yaml": "patches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: ghost}\n"],
      message: "no resource matches ConfigMap/ghost"),
    // Two generated ConfigMaps once named alike, in two namespaces, with different hashes: a
    // ClusterRole sees both and no prefix or suffix tells them apart, so kustomize fails.
    Case(
      name: "a reference two objects could answer",
      files: [
        "/r/kustomization.yaml": "resources: [a, b, role.yaml]\n",
        "/r/a/kustomization.yaml": "namespace: a\nconfigMapGenerator:\n- name: config\n  literals: [A=1]\n",
        "/r/b/kustomization.yaml": "namespace: b\nconfigMapGenerator:\n- name: config\n  literals: [A=2]\n",
        "/r/role.yaml":
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: read}\nrules:\n- resourceNames: [config]\n",
      ],
      message: "reference to ConfigMap \"config\" is ambiguous"),
    Case(
      name: "remote base", files: ["/r/kustomization.yaml": "resources: [https://github.com/x/y]\n"],
      message: "remote resource"),
  ]

  @Test(arguments: badInputs)
  func reportsBadInputByFileAndField(_ testCase: Case) {
    do {
      _ = try Renderer(fileSystem: InMemoryFileSystem(testCase.files)).render(directory: "/r")
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains(testCase.message), "\(error)")
    }
  }

  @Test func expandsListKindsAndSkipsEmptyDocuments() throws {
    let fs = InMemoryFileSystem([
      "/r/kustomization.yaml": "resources: [l.yaml]\n",
      "/r/l.yaml": "---\n---\napiVersion: v1\nkind: List\nitems:\n- \(Self.configMap.replacingOccurrences(of: "\n", with: "\n  "))",
    ])
    #expect(try Renderer(fileSystem: fs).render(directory: "/r").map(\.name) == ["x"])
  }

  @Test func appliesComponentsToTheParentsResources() throws {
    let fs = InMemoryFileSystem([
      "/r/kustomization.yaml": "resources: [cm.yaml]\ncomponents: [c]\n",
      "/r/cm.yaml": Self.configMap,
      "/r/c/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: c-\n",
    ])
    #expect(try Renderer(fileSystem: fs).render(directory: "/r").map(\.name) == ["c-x"])
  }
}
