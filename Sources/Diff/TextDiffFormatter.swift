internal import Manifest

/// `kubectl diff`-style output: a header per changed object, then a unified diff of its YAML,
/// coloured when printing to a terminal.
public struct TextDiffFormatter: Sendable {
  public var colour: Bool

  public init(colour: Bool) { self.colour = colour }

  public func format(_ changes: ChangeSet) -> String {
    var out = ""
    for object in changes.changed {
      out += paint(header(object), "1") + "\n"
      let old = object.before.map(YAMLWriter.string) ?? ""
      let new = object.after.map(YAMLWriter.string) ?? ""
      out += paint("--- live/\(Self.label(object.id))", "31") + "\n"
      out += paint("+++ \(object.action == .prune ? "/dev/null" : "git/\(Self.label(object.id))")", "32") + "\n"
      for hunk in UnifiedDiff.hunks(old: old, new: new) {
        for line in hunk {
          switch line {
          case .context(let text): out += " \(text)\n"
          case .removed(let text): out += paint("-\(text)", "31") + "\n"
          case .added(let text): out += paint("+\(text)", "32") + "\n"
          }
        }
      }
    }
    out += summary(changes) + "\n"
    return out
  }

  func header(_ object: ObjectDiff) -> String {
    let verb: String
    switch object.action {
    case .create: verb = "create"
    case .update: verb = "update"
    case .prune: verb = "prune (tracked, no longer rendered)"
    case .unchanged: verb = "unchanged"
    }
    var text = "\(verb) \(object.id)"
    if object.action == .update {
      text += ": " + object.fields.map { "\($0.path)" + ($0.kind == .changed ? "" : " (\($0.kind.rawValue))") }.joined(separator: ", ")
    }
    return text
  }

  public func summary(_ changes: ChangeSet) -> String {
    let parts = [ObjectDiff.Action.create, .update, .prune].map { "\(changes.count($0)) to \($0.rawValue)" }
    return "\(changes.environment): " + parts.joined(separator: ", ") + ", \(changes.count(.unchanged)) unchanged"
  }

  static func label(_ id: ResourceID) -> String {
    let group = id.gvk.group.isEmpty ? "" : ".\(id.gvk.group)"
    return "\(id.namespace.map { "\($0)/" } ?? "")\(id.gvk.kind)\(group)/\(id.name)"
  }

  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
