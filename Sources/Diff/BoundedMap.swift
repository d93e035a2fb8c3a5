/// Runs `body` over `items` with at most `width` calls in flight, keeping the input order of
/// the results: enough parallelism to hide round trips without flooding the API server.
public enum BoundedMap {
  public static func map<Item: Sendable, Result: Sendable>(
    _ items: [Item], width: Int, _ body: @escaping @Sendable (Item) async -> Result
  ) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
      var results = [Result?](repeating: nil, count: items.count)
      var next = 0
      for _ in 0..<min(max(1, width), items.count) {
        let index = next
        group.addTask { (index, await body(items[index])) }
        next += 1
      }
      while let (index, result) = await group.next() {
        results[index] = result
        if next < items.count {
          let index = next
          group.addTask { (index, await body(items[index])) }
          next += 1
        }
      }
      return results.compactMap { $0 }
    }
  }
}
