import Foundation
import Manifest
import Render
import Testing

/// Every case is rendered by `release`'s engine and by the real `kubectl kustomize`; the
/// objects must be the same, in the same order, written byte for byte the same.
@Suite struct RenderConformanceTests {
  @Test func hasAtLeastOneHundredEightyCases() {
    #expect(ConformanceCase.all().count >= 180)
  }

  @Test(arguments: ConformanceCase.all())
  func rendersTheSameObjectsAsKubectlKustomize(_ testCase: ConformanceCase) throws {
    let reference = try KubectlKustomize.build(testCase.directory)
    if let expectedError = testCase.expectedError {
      #expect(reference.status != 0, "kubectl kustomize rendered a case expected to fail")
      do {
        let objects = try Renderer(fileSystem: DiskFileSystem()).render(directory: testCase.directory)
        Issue.record("release rendered \(objects.count) objects; kubectl failed with: \(reference.stderr)")
      } catch {
        #expect(error.description.contains(expectedError), "release: \(error)\nkubectl: \(reference.stderr)")
      }
      return
    }
    try #require(reference.status == 0, "kubectl kustomize failed: \(reference.stderr)")
    if let refusal = testCase.refusedByRelease {
      do {
        let objects = try Renderer(fileSystem: DiskFileSystem()).render(directory: testCase.directory)
        Issue.record("release rendered \(objects.count) objects of a case it must refuse")
      } catch {
        #expect(error.description.contains(refusal), "release: \(error)")
      }
      return
    }
    let expected = try YAMLReader.documents(reference.stdout, file: "kubectl output")

    let actual: [Value]
    do {
      actual = try Renderer(fileSystem: DiskFileSystem()).render(directory: testCase.directory)
    } catch {
      Issue.record("release render failed: \(error)")
      return
    }

    #expect(actual.map { $0.resourceID?.description ?? "?" } == expected.map { $0.resourceID?.description ?? "?" })
    for (ours, theirs) in zip(actual, expected) where !ours.isSameObject(as: theirs) {
      Issue.record(
        "\(theirs.resourceID?.description ?? "?") differs:\n--- release\n\(YAMLWriter.string(ours))--- kubectl\n\(YAMLWriter.string(theirs))")
    }
    #expect(YAMLWriter.documents(actual) == reference.stdout)
  }
}
