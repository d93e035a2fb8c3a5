import Manifest
import Render
import Testing

@Suite struct SelectorTests {
  @Test(arguments: [
    ("app=web", ["app": "web"], true), ("app=web", ["app": "db"], false), ("app!=web", ["app": "db"], true),
    ("tier in (a, b)", ["tier": "b"], true), ("tier notin (a,b)", ["tier": "b"], false), ("canary", ["canary": ""], true),
    ("!canary", ["canary": "x"], false), ("app=web,tier in (a,b),!canary", ["app": "web", "tier": "a"], true),
    ("app==web", ["app": "web"], true),
  ])
  func matchesLabelSelectors(selector: String, labels: [String: String], matches: Bool) throws {
    #expect(try LabelSelector(parsing: selector).matches(labels) == matches)
  }

  @Test func targetsMatchByRegexOnCurrentOrEarlierNames() throws {
    let target = try PatchTarget(selector: ["kind": "Deployment", "name": "api-.*"], file: "k", field: "t")
    var resource = Resource(object: ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "api-a"]], origin: "x")
    #expect(target.matches(resource))
    resource.rememberCurrentID()
    resource.object.name = "prefix-api-a"
    #expect(target.matches(resource), "matches through the earlier name")
    let exact = try PatchTarget(selector: ["name": "api"], file: "k", field: "t")
    #expect(!exact.matches(resource), "patterns match whole names")
  }

  @Test(arguments: [
    ("spec.template.spec.containers.[name=web].image", 1), ("spec.template.spec.containers.0.image", 1),
    ("spec.template.spec.containers.*.image", 2), ("metadata.annotations.[example.com/x.y]", 1),
    ("spec.missing", 0),
  ])
  func fieldPathsReachValues(path: String, count: Int) throws {
    let object: Value = [
      "metadata": ["annotations": ["example.com/x.y": "v"]],
      "spec": ["template": ["spec": ["containers": [["name": "web", "image": "a"], ["name": "b", "image": "b"]]]]],
    ]
    #expect(try FieldPath(parsing: path).values(in: object).count == count)
  }
}
