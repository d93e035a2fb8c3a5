/// kustomize splits a file into documents itself, before YAML sees it: at every line after the
/// first that starts with `---` and ends in a newline (Go's `\n---.*\n`, matches not
/// overlapping). It refuses such a line with anything but a comment after the dashes, where
/// YAML would take `--- !!map` or `--- {a: 1}`; so must we.
enum DocumentSeparator {
  /// The first such line, with its 1-based number.
  static func firstInvalid(in text: String) -> (line: Int, text: String)? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var previousWasSeparator = false
    for (index, line) in lines.enumerated() {
      // The separator must be followed by a newline, and the newline before it must not have
      // been consumed by the previous separator.
      guard index > 0, index < lines.count - 1, line.hasPrefix("---"), !previousWasSeparator else {
        previousWasSeparator = false
        continue
      }
      previousWasSeparator = true
      let rest = line.dropFirst(3).trimmingPrefix { $0 == " " || $0 == "\t" || $0 == "\r" }
      if let first = rest.first, first != "#", !rest.allSatisfy({ $0.isWhitespace }) {
        let trimmed = line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        return (index + 1, String(trimmed))
      }
    }
    return nil
  }
}
