internal import Manifest

/// A change set as a pull-request comment: a summary table, then one collapsed unified diff
/// per changed object.
public enum MarkdownDiffFormatter {
  public static func format(_ changes: ChangeSet) -> String {
    var out = "### `release diff \(changes.environment)`\n\n"
    guard changes.hasChanges else { return out + "No differences: the cluster matches git.\n" }
    out += "| action | object | fields |\n| --- | --- | --- |\n"
    for object in changes.changed {
      let fields = object.fields.map { "`\($0.path)`" + ($0.kind == .changed ? "" : " (\($0.kind.rawValue))") }.joined(separator: ", ")
      out += "| \(object.action.rawValue) | `\(TextDiffFormatter.label(object.id))` | \(fields) |\n"
    }
    out += "\n"
    let text = TextDiffFormatter(colour: false)
    for object in changes.changed {
      let old = object.before.map(YAMLWriter.string) ?? ""
      let new = object.after.map(YAMLWriter.string) ?? ""
      out += "<details><summary>\(text.header(object))</summary>\n\n```diff\n"
      for hunk in UnifiedDiff.hunks(old: old, new: new) {
        for line in hunk {
          switch line {
          case .context(let t): out += " \(t)\n"
          case .removed(let t): out += "-\(t)\n"
          case .added(let t): out += "+\(t)\n"
          }
        }
      }
      out += "```\n\n</details>\n\n"
    }
    out += text.summary(changes) + "\n"
    return out
  }
}
