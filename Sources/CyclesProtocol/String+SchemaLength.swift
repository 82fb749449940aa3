/// The length JSON Schema's `minLength`/`maxLength` measure.
extension String {
    /// The number of Unicode code points, which is what JSON Schema's `maxLength` counts (and what every other
    /// implementation of the spec counts). `String.count` counts grapheme clusters instead, so `"e"` followed by a
    /// thousand combining accents would be one "character" — and pass a 256 limit. O(n) over the scalars, no
    /// allocation: cheap enough for the reserve path.
    public var schemaLength: Int { unicodeScalars.count }
}
