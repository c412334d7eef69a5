import ArgumentParser

/// The id a lookup command is about, given either positionally (`reel topk 42`,
/// `reel similar 1`, `reel movie 1`) or by its flag (`--user 42`, `--movie 1`):
/// every lookup accepts both shapes, so the one learned first always works.
func positionalOrFlag(_ positional: Int?, _ flag: Int?, flagName: String) throws -> Int {
    switch (positional, flag) {
    case let (p?, f?) where p != f:
        throw ValidationError("give the id once: positionally or with \(flagName), not both (\(p) and \(f))")
    case let (p?, _): return p
    case let (nil, f?): return f
    case (nil, nil): throw ValidationError("missing the id: reel … <id> or \(flagName) <id>")
    }
}
