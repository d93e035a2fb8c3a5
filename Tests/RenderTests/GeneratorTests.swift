import Manifest
import Render
import Testing

@Suite struct GeneratorTests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
  ])
  func sha256MatchesFIPSVectors(input: String, hex: String) throws {
    #expect(RenderTestSupport.sha256(input) == hex)
  }

  /// Suffixes pinned from `kubectl kustomize` (kustomize v5.5.0).
  @Test(arguments: [
    (["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x"], "data": ["K": "v"]], "276ch85d82"),
    (["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "other"], "data": ["K": "v"], "immutable": true], "276ch85d82"),
  ] as [(Value, String)])
  func contentHashMatchesKustomize(object: Value, suffix: String) throws {
    #expect(try ContentHash.suffix(for: object) == suffix)
  }

  @Test func generatesHashedConfigMapsAndRewritesReferences() throws {
    let fs = InMemoryFileSystem([
      "/r/kustomization.yaml": """
        namePrefix: p-
        configMapGenerator:
        - name: model
          literals: [MODEL_NAME=Qwen/Qwen2.5-7B-Instruct, MAX_MODEL_LEN="8192"]
        resources: [d.yaml]
        """,
      "/r/d.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
              - name: web
                envFrom: [{configMapRef: {name: model}}]
        """,
    ])
    let objects = try Renderer(fileSystem: fs).render(directory: "/r")
    let configMap = try #require(objects.first { $0.kind == "ConfigMap" })
    #expect(configMap[path: ["data", "MAX_MODEL_LEN"]] == "8192")
    let name = try #require(configMap.name)
    #expect(name.hasPrefix("p-model-") && name.count == "p-model-".count + 10)
    let deployment = try #require(objects.first { $0.kind == "Deployment" })
    let ref = deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["envFrom"]?.arrayValue?.first
    #expect(ref?[path: ["configMapRef", "name"]] == .string(name))
  }

  @Test(arguments: [
    ("configMapGenerator:\n- name: a\n  literals: [noequals]\n", "configMapGenerator[0].literals[0]"),
    ("configMapGenerator:\n- name: a\n  literals: [K=1, K=2]\n", "key \"K\" already exists"),
    ("configMapGenerator:\n- name: a\n  behavior: merge\n  literals: [K=1]\n", "no ConfigMap named a"),
    ("configMapGenerator:\n- name: a\n  behavior: upsert\n", "expected create, merge or replace"),
    ("configMapGenerator:\n- name: a\n  files: [../outside.txt]\n", "not in or below"),
    ("configMapGenerator:\n- name: a\n  envs: [bad.env]\n", "bad.env:2: line has invalid UTF-8 bytes"),
  ])
  func rejectsBadGeneratorsByField(kustomization: String, message: String) {
    let fs = InMemoryFileSystem(
      ["/r/k/kustomization.yaml": kustomization, "/r/outside.txt": "x"],
      bytes: ["/r/k/bad.env": Array("A=1\nB=".utf8) + [0xFF, 0x0A]])
    do {
      _ = try Renderer(fileSystem: fs).render(directory: "/r/k")
      Issue.record("expected an error containing \(message)")
    } catch {
      #expect(error.description.contains(message), "\(error)")
    }
  }
}
