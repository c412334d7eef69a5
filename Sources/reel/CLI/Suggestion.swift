/// "Did you mean …?" for a mistyped subcommand, option or stage name.
///
/// A typo such as `reel serv` or `--from trian` should name the fix, not just
/// the mistake: the closest known word by edit distance, when it is close
/// enough (at most a third of its length, and at least 1) to be the likely intent.
enum Suggestion {
    /// The candidate closest to `word`, or nil when none is plausibly meant.
    static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word.lowercased(), c.lowercased())
            if d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        guard let (name, d) = best else { return nil }
        // A prefix (`serv` → `serve`) is always a plausible intent.
        if name.hasPrefix(word), !word.isEmpty { return name }
        return d <= max(1, name.count / 3) ? name : nil
    }

    /// `; did you mean 'x'?` or the empty string.
    static func hint(for word: String, in candidates: [String], quote: String = "'") -> String {
        closest(to: word, in: candidates).map { "; did you mean \(quote)\($0)\(quote)?" } ?? ""
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit (`trian` → `train`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
