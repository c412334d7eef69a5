/// A strict RFC 8259 check that a byte range is exactly one JSON object.
///
/// Why: the daemon copies a release's `meta` section into `/v1/release` as
/// is, and `reel inspect`/`releases` hand it to a JSON parser. A reader that
/// only checked "starts with `{`, ends with `}`" let a malformed section
/// through `verify` and served invalid JSON; this check runs when a release
/// is opened, so such a file is refused instead. It is Reel's one JSON reader
/// (`JSONValue(parsing:)`): strings must be valid UTF-8 (no overlongs,
/// surrogates, or code points above U+10FFFF), escapes must not encode a lone
/// surrogate, and nesting is capped at `maxDepth` so a hostile file cannot
/// exhaust the stack of any parser downstream.
public enum JSONSyntax {
    public static let maxDepth = JSONReader.maxDepth

    /// nil when `bytes` is exactly one JSON object (surrounding whitespace
    /// allowed), else what is wrong and at which byte.
    public static func objectProblem(_ bytes: UnsafeRawBufferPointer) -> String? {
        var reader = JSONReader(bytes)
        guard reader.peekNonSpace() == UInt8(ascii: "{") else { return "not a JSON object (byte \(reader.i))" }
        do throws(JSONParseError) {
            _ = try reader.document()
            return nil
        } catch {
            return "invalid JSON at byte \(error.offset): \(error.message)"
        }
    }
}
