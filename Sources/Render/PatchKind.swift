import Manifest

/// What a `patches` entry's text is, decided as kustomize decides: it reads the text both as
/// strategic-merge patches (documents that are maps; empty ones dropped) and as JSON 6902
/// operations (one list; an empty or comment-only text is an empty one), and takes the
/// reading that works. Both or neither working is an error, as there.
enum PatchKind {
  static func classify(_ text: String, documents: [TextedDocument], file: String, field: String, targeted: Bool)
    throws(RenderError) -> PatchTransformer.Body
  {
    let merges = documents.filter { !isEmpty($0.value) }
    let readsAsMerges = merges.allSatisfy { $0.value.objectValue != nil }
    let readsAsOperations = !text.isEmpty && (documents.first.map { $0.value.arrayValue != nil } ?? true)
    switch (readsAsMerges, readsAsOperations) {
    case (true, true):
      throw RenderError(
        file: file, field: field,
        message: "the patch reads both as a strategic-merge patch and as JSON 6902 operations (it is empty); kustomize refuses it")
    case (false, false):
      throw RenderError(
        file: file, field: field, message: "the patch is neither strategic-merge patches (maps) nor a list of JSON 6902 operations")
    case (true, false) where !merges.isEmpty:
      if targeted && merges.count > 1 {
        throw RenderError(
          file: file, field: field,
          message: "several strategic-merge patches in one entry cannot have a target (kustomize refuses it); give each its own entry")
      }
      return .strategicMerge(merges)
    case (true, false):
      // No patch at all: kustomize goes on as if it were JSON 6902, which then needs a target
      // and, with one, applies nothing - unless the text is a map, which no list decodes from.
      if targeted, let document = documents.first, document.value.objectValue != nil {
        throw RenderError(file: file, field: field, message: "expected a list of JSON 6902 operations, got a map")
      }
      return .json6902([])
    case (false, true):
      return .json6902(documents.first?.value.arrayValue ?? [])
    }
  }

  /// What kustomize drops when reading patches: null, an empty map, an empty list.
  private static func isEmpty(_ value: Value) -> Bool {
    switch value {
    case .null: return true
    case .object(let map): return map.isEmpty
    case .array(let items): return items.isEmpty
    default: return false
    }
  }
}
