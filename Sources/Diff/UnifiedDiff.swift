/// A unified diff of two texts by lines (`diff -u` with three lines of context), from a
/// longest-common-subsequence alignment: objects are a few hundred lines at most.
public enum UnifiedDiff {
  public enum Line: Equatable, Sendable {
    case context(String), removed(String), added(String)
  }

  public static func hunks(old: String, new: String, context: Int = 3) -> [[Line]] {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastIfEmpty()
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastIfEmpty()
    let lines = align(a, b)
    var hunks: [[Line]] = []
    var current: [Line] = []
    var trailingContext = 0
    var pending: [Line] = []
    for line in lines {
      if case .context = line {
        if current.isEmpty {
          pending.append(line)
          if pending.count > context { pending.removeFirst() }
        } else if trailingContext < context {
          current.append(line)
          trailingContext += 1
        } else {
          pending.append(line)
          if pending.count > context {
            hunks.append(current)
            current = []
            pending.removeFirst()
          }
        }
      } else {
        if !current.isEmpty && !pending.isEmpty {
          current.append(contentsOf: pending)
        } else if current.isEmpty {
          current = pending
        }
        pending = []
        current.append(line)
        trailingContext = 0
      }
    }
    if !current.isEmpty { hunks.append(current) }
    return hunks
  }

  static func align(_ a: [String], _ b: [String]) -> [Line] {
    let n = a.count, m = b.count
    var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
      }
    }
    var result: [Line] = []
    var i = 0, j = 0
    while i < n && j < m {
      if a[i] == b[j] {
        result.append(.context(a[i]))
        i += 1
        j += 1
      } else if table[i + 1][j] >= table[i][j + 1] {
        result.append(.removed(a[i]))
        i += 1
      } else {
        result.append(.added(b[j]))
        j += 1
      }
    }
    while i < n { result.append(.removed(a[i])); i += 1 }
    while j < m { result.append(.added(b[j])); j += 1 }
    return result
  }
}

extension Array where Element == String {
  fileprivate func dropLastIfEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}
