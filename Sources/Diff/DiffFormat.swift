/// How a change set is printed: a unified diff for people, JSON for machines, Markdown for a
/// pull-request comment.
public enum DiffFormat: String, Sendable, CaseIterable {
  case text, json, markdown
}
