/// Folds a movie title or a search query to the form the title index
/// compares: lowercase words of letters and digits separated by one space,
/// with Latin accents removed (`Amélie` → `amelie`, `Straße` → `strasse`),
/// apostrophes dropped inside words (`Schindler's` → `schindlers`) and
/// everything else a separator.
///
/// The release builder folds every title with it and the daemon folds every
/// query with it, so the two can never disagree. ASCII and Latin-1/Latin
/// Extended-A (the accents MovieLens titles use) are folded by table without
/// allocating; other letters (Greek, Cyrillic, CJK, …) are kept, lowercased.
public enum TitleFolding {
    /// Appends the folded form of the UTF-8 bytes `text` to `out` (no leading
    /// or trailing space). Invalid UTF-8 acts as a separator.
    public static func fold(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let start = out.count
        var pendingSpace = false
        @inline(__always) func emit(_ byte: UInt8) {
            if pendingSpace {
                if out.count > start { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
            }
            out.append(byte)
        }
        var i = 0
        let n = text.count
        while i < n {
            let b = text[i]
            if b < 0x80 {
                i += 1
                switch b {
                case 0x30...0x39, 0x61...0x7A: emit(b)
                case 0x41...0x5A: emit(b | 0x20)
                case UInt8(ascii: "'"): break  // inside a word: joins it
                default: pendingSpace = true
                }
                continue
            }
            // Decode one multi-byte scalar.
            var scalar: UInt32 = 0
            var length = 0
            if b & 0xE0 == 0xC0 {
                scalar = UInt32(b & 0x1F); length = 2
            } else if b & 0xF0 == 0xE0 {
                scalar = UInt32(b & 0x0F); length = 3
            } else if b & 0xF8 == 0xF0 {
                scalar = UInt32(b & 0x07); length = 4
            }
            guard length > 0, i + length <= n else { pendingSpace = true; i += 1; continue }
            var valid = true
            for j in 1..<length {
                let c = text[i + j]
                if c & 0xC0 != 0x80 { valid = false; break }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard valid else { pendingSpace = true; i += 1; continue }
            i += length
            switch scalar {
            case 0x2019, 0x2018: continue  // typographic apostrophes join like ASCII '
            case 0x0300...0x036F: continue  // combining accents (decomposed input)
            case 0x00C0...0x017F:
                let folded = latin[Int(scalar - 0xC0)]
                if folded.isEmpty { pendingSpace = true } else { for c in folded.utf8 { emit(c) } }
                continue
            default: break
            }
            guard let s = Unicode.Scalar(scalar),
                s.properties.isAlphabetic || s.properties.numericType != nil
            else {
                pendingSpace = true
                continue
            }
            for c in s.properties.lowercaseMapping.utf8 { emit(c) }
        }
    }

    /// `fold` of a Swift string, as a new array (tests, the CLI, the builder).
    public static func fold(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var copy = text
        copy.withUTF8 { fold(UnsafeRawBufferPointer($0), into: &out) }
        return out
    }

    /// MovieLens moves a leading article to the end (`Matrix, The`); a title
    /// is indexed with it back in front (`The Matrix`) so exact and prefix
    /// matches work the way people type.
    public static func articleFirst(_ title: String) -> String {
        let chars = Array(title)
        guard chars.count > 2 else { return title }
        var i = chars.count - 2
        while i >= 0 {
            if chars[i] == ",", chars[i + 1] == " " { break }
            i -= 1
        }
        guard i > 0 else { return title }
        let article = String(chars[(i + 2)...])
        guard articles.contains(article) else { return title }
        let rest = String(chars[..<i])
        return article.hasSuffix("'") ? article + rest : article + " " + rest
    }

    static let articles: Set<String> = [
        "The", "A", "An", "Les", "La", "Le", "L'", "Il", "El", "Los", "Las",
        "Die", "Der", "Das", "Den", "Det", "De", "Un", "Une", "Una", "Ein", "Eine", "O", "Os",
    ]

    /// U+00C0 ... U+017F folded to ASCII ("" = a separator: × and ÷).
    static let latin: [String] = {
        var t = [String](repeating: "", count: 0x180 - 0xC0)
        func set(_ from: UInt32, _ to: UInt32, _ s: String) { for c in from...to { t[Int(c - 0xC0)] = s } }
        set(0xC0, 0xC5, "a"); set(0xC6, 0xC6, "ae"); set(0xC7, 0xC7, "c"); set(0xC8, 0xCB, "e")
        set(0xCC, 0xCF, "i"); set(0xD0, 0xD0, "d"); set(0xD1, 0xD1, "n"); set(0xD2, 0xD6, "o")
        set(0xD8, 0xD8, "o"); set(0xD9, 0xDC, "u"); set(0xDD, 0xDD, "y"); set(0xDE, 0xDE, "th")
        set(0xDF, 0xDF, "ss")
        set(0xE0, 0xE5, "a"); set(0xE6, 0xE6, "ae"); set(0xE7, 0xE7, "c"); set(0xE8, 0xEB, "e")
        set(0xEC, 0xEF, "i"); set(0xF0, 0xF0, "d"); set(0xF1, 0xF1, "n"); set(0xF2, 0xF6, "o")
        set(0xF8, 0xF8, "o"); set(0xF9, 0xFC, "u"); set(0xFD, 0xFD, "y"); set(0xFE, 0xFE, "th")
        set(0xFF, 0xFF, "y")
        set(0x100, 0x105, "a"); set(0x106, 0x10D, "c"); set(0x10E, 0x111, "d"); set(0x112, 0x11B, "e")
        set(0x11C, 0x123, "g"); set(0x124, 0x127, "h"); set(0x128, 0x131, "i"); set(0x132, 0x133, "ij")
        set(0x134, 0x135, "j"); set(0x136, 0x138, "k"); set(0x139, 0x142, "l"); set(0x143, 0x14B, "n")
        set(0x14C, 0x151, "o"); set(0x152, 0x153, "oe"); set(0x154, 0x159, "r"); set(0x15A, 0x161, "s")
        set(0x162, 0x167, "t"); set(0x168, 0x173, "u"); set(0x174, 0x175, "w"); set(0x176, 0x178, "y")
        set(0x179, 0x17E, "z"); set(0x17F, 0x17F, "s")
        return t
    }()
}
