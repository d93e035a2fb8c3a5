import EnvironmentRepo
import Promotion
import Testing

/// `--digest`: a digest is added beside the tag where the entry has none, and the one digest
/// FROM's ready pods agree on is found, or the disagreement named.
@Suite struct DigestPinTests {
  static let digestA = "sha256:" + String(repeating: "a1", count: 32)
  static let digestB = "sha256:" + String(repeating: "b2", count: 32)

  static let text = """
    images:
      - name: vllm/vllm-openai
        newTag: v0.6.2   # bumped by promotion
      - {name: busybox, newTag: '1.36'}
    # trailing comment
    replicas: []
    """

  @Test func aDigestIsAddedAfterEachEntrysLastValueBlockOrFlow() throws {
    let pins = try PinSet.read(Self.text, file: "k.yaml", config: PinsConfig())
    let block = try #require(pins.entryEnd(ofImage: "vllm/vllm-openai"))
    let flow = try #require(pins.entryEnd(ofImage: "busybox"))
    #expect(block == PinSet.EntryEnd(line: 3, column: 13, keyColumn: 5, flow: false))
    #expect(flow.flow)
    let edited = try PinEdit.apply(
      [PinEdit.Change(line: 3, column: 13, value: "v0.6.3")],
      adding: [
        PinEdit.Addition(after: block, key: "digest", value: Self.digestA),
        PinEdit.Addition(after: flow, key: "digest", value: Self.digestB),
      ], to: Self.text, file: "k.yaml")
    #expect(edited == """
      images:
        - name: vllm/vllm-openai
          newTag: v0.6.3   # bumped by promotion
          digest: \(Self.digestA)
        - {name: busybox, newTag: '1.36', digest: \(Self.digestB)}
      # trailing comment
      replicas: []
      """)
    // And it reads back as the pin it is.
    #expect(try PinSet.read(edited, file: "k.yaml", config: PinsConfig())["image busybox digest"]?.value == Self.digestB)
  }

  @Test(arguments: [
    ("docker.io/vllm/vllm-openai@\(digestA)", digestA), ("docker-pullable://vllm/vllm-openai@\(digestA)", digestA),
    (digestA, nil), ("", nil), ("docker.io/x@sha256:12", nil), ("docker.io/x@sha512:\(String(repeating: "a", count: 128))", nil),
  ])
  func aDigestIsReadFromTheImageIDForms(imageID: String, digest: String?) {
    #expect(RunningDigest.digest(ofImageID: imageID) == digest)
  }

  @Test func readyPodsThatAgreeGiveTheirDigest() throws {
    let pods = ["a", "b"].map { RunningDigest.Observation(pod: "llm/vllm-\($0)", imageID: "docker.io/vllm/vllm-openai@\(Self.digestA)") }
    #expect(try RunningDigest.agreed(pods, image: "vllm/vllm-openai", from: "staging") == Self.digestA)
  }

  @Test func podsThatDisagreeAreRefusedNamingPodsAndDigests() {
    let pods = [
      RunningDigest.Observation(pod: "llm/vllm-b", imageID: "docker.io/vllm/vllm-openai@\(Self.digestB)"),
      RunningDigest.Observation(pod: "llm/vllm-a", imageID: "docker.io/vllm/vllm-openai@\(Self.digestA)"),
      RunningDigest.Observation(pod: "llm/vllm-c", imageID: "docker.io/vllm/vllm-openai@\(Self.digestA)"),
    ]
    #expect {
      _ = try RunningDigest.agreed(pods, image: "vllm/vllm-openai", from: "staging")
    } throws: { error in
      "\(error)" == "not promoting vllm/vllm-openai by digest from staging: its ready pods run different digests: "
        + "\(Self.digestA) (llm/vllm-a, llm/vllm-c); \(Self.digestB) (llm/vllm-b)"
    }
  }

  @Test func noPodOrNoImageIDIsRefused() {
    #expect(throws: PromotionError.self) { _ = try RunningDigest.agreed([], image: "x", from: "staging") }
    #expect {
      _ = try RunningDigest.agreed([RunningDigest.Observation(pod: "llm/p", imageID: "")], image: "x", from: "staging")
    } throws: { error in
      "\(error)".hasSuffix("pod llm/p reports no imageID")
    }
  }
}
