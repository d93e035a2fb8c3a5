public import Foundation
public import Rollout

/// Records as the history table shows them.
public enum ReleaseRecordFormat {
  public static func time(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  public static func table(_ records: [ReleaseRecord]) -> String {
    var rows = [["REVISION", "STATUS", "COMMIT", "STARTED", "FINISHED", "BY", "NOTE"]]
    for record in records {
      rows.append([
        String(record.revision), record.status.rawValue,
        record.commit.map { String($0.prefix(12)) + (record.dirty ? "+dirty" : "") } ?? "-",
        time(record.startedAt), record.finishedAt.map(time) ?? "-", record.appliedBy, record.note,
      ])
    }
    return TextTable.render(rows).joined(separator: "\n") + "\n"
  }
}

/// Columns padded to their widest cell, two spaces apart; the last column is not padded.
public enum TextTable {
  public static func render(_ rows: [[String]]) -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
      row.enumerated().map { i, cell in
        i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
      }.joined()
    }
  }
}
