/// Shortens every absolute file-system path in a text to its last component:
/// `release at /srv/reel/output/releases/x.reel refused` becomes
/// `release at x.reel refused`.
///
/// Why: /readyz and 503 bodies go to any client; the full paths (home folder,
/// user name, mount points) help only an attacker. Operators find the full
/// paths in the daemon's log, which keeps them.
public enum PathRedaction {
    public static func redact(_ text: String) -> String {
        var out = ""
        var chars = text.unicodeScalars[...]
        var previous: Unicode.Scalar = " "
        while let c = chars.first {
            if c == "/" && startsPath(after: previous) {
                let token = chars.prefix { !endsPath($0) }
                chars = chars.dropFirst(token.count)
                let components = String(String.UnicodeScalarView(token)).split(separator: "/")
                out += components.last.map(String.init) ?? "/"
                previous = token.last ?? c
                continue
            }
            out.unicodeScalars.append(c)
            previous = c
            chars = chars.dropFirst()
        }
        return out
    }

    /// A path starts at a `/` after a space, a quote, a bracket, `=` or the start of the text.
    private static func startsPath(after previous: Unicode.Scalar) -> Bool {
        " \t\n'\"`([{=<".unicodeScalars.contains(previous)
    }

    private static func endsPath(_ c: Unicode.Scalar) -> Bool {
        " \t\n'\"`)]}>,;:".unicodeScalars.contains(c)
    }
}
