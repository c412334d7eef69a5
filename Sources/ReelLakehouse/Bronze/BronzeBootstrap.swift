#if canImport(Glibc)
import Glibc
#endif
import ReelCore

/// `reel bronze bootstrap`: puts GroupLens' MovieLens 25M into bronze.
///
/// The source is the GroupLens URL (downloaded with curl and checked against
/// the MD5 GroupLens publishes beside it), a local ml-25m.zip (checked against
/// `ml-25m.zip.md5` when one lies beside it), or a folder already holding the
/// CSVs. Everything is unpacked or copied into a staging folder, validated,
/// given a manifest, and only then swapped into place.
public enum BronzeBootstrap {
    public static let defaultURL = "https://files.grouplens.org/datasets/movielens/ml-25m.zip"

    /// Installs ml-25m into `dir` (normally `ReelHome.bronzeMovieLens`) from
    /// `source` (a URL, a zip or a folder; nil = `defaultURL`) and returns the
    /// manifest. An existing copy whose checksums verify is kept unless `force`.
    @discardableResult
    public static func run(source: String? = nil, into dir: String, force: Bool = false) throws -> BronzeManifest {
        let source = source ?? defaultURL
        if !force, let kept = try existingCopy(dir) { return kept }
        let isURL = source.contains("://")
        guard isURL || FileSystem.exists(source) else {
            throw ReelError(.notFound, "bootstrap source \(source) does not exist: pass a URL, an ml-25m.zip or a folder holding the CSVs")
        }
        let manifest = try BronzeInstall.install(dir, purpose: "bootstrap") { staging -> BronzeManifest in
            var md5: String?
            if isURL {
                md5 = try downloadAndExtract(source, into: staging)
            } else if FileSystem.isDirectory(source) {
                try copyCSVs(from: source, into: staging)
            } else {
                md5 = try checkLocalZip(source)
                try extract(zip: source, into: staging)
            }
            var manifest = BronzeManifest(dataset: "ml-25m", source: source, files: try measure(staging))
            manifest.sourceMD5 = md5
            try manifest.write(dir: staging)
            let validation = BronzeValidator.check(dir: staging)
            guard validation.isValid else {
                throw ReelError(
                    .invalidInput,
                    "\(source) is not an ml-25m data set:\n"
                        + validation.problems.map { "  - " + $0 }.joined(separator: "\n"))
            }
            return manifest
        }
        let ratings = manifest.files[MovieLensFile.ratings.fileName]?.rows ?? 0
        Console.info("bronze", "installed ml-25m from \(source) into \(dir): \(manifest.files.count) files, \(Console.count(ratings)) ratings")
        return manifest
    }

    /// The manifest of a valid existing ml-25m copy (kept), nil when there is
    /// nothing or a broken copy to replace; synthetic data is never replaced silently.
    static func existingCopy(_ dir: String) throws -> BronzeManifest? {
        guard BronzeInstall.isOccupied(dir) else { return nil }
        let validation = BronzeValidator.check(dir: dir)
        if let manifest = validation.manifest, manifest.dataset != "ml-25m" {
            throw ReelError(.usage, "\(dir) holds \(manifest.dataset) data (\(manifest.source)); pass --force to replace it with MovieLens 25M")
        }
        if validation.isValid, let manifest = validation.manifest {
            Console.info("bronze", "\(dir) already holds a verified ml-25m copy (fetched \(manifest.fetchedAt)); keeping it (--force replaces it)")
            return manifest
        }
        Console.warn("bronze", "\(dir) holds a copy that does not verify (\(validation.problems.joined(separator: "; "))); replacing it")
        return nil
    }

    /// Downloads the zip and its published MD5, checks them, unpacks into `staging`.
    static func downloadAndExtract(_ url: String, into staging: String) throws -> String {
        let downloads = try BronzeInstall.staging(for: staging, purpose: "download")
        defer { try? FileSystem.removeTree(downloads) }
        let zip = Path.join(downloads, Path.basename(url))
        let md5File = zip + ".md5"
        try BronzeDownload.fetch(url + ".md5", to: md5File, quiet: true)
        let expected = try BronzeDownload.parseMD5(md5File)
        try BronzeDownload.fetch(url, to: zip, quiet: false)
        let actual = try md5(of: zip)
        guard actual == expected else {
            throw ReelError(.corrupt, "\(url): MD5 is \(actual), GroupLens publishes \(expected); the download is damaged, run bootstrap again")
        }
        Console.info("bronze", "MD5 \(actual) matches \(url).md5")
        try extract(zip: zip, into: staging)
        return actual
    }

    /// Checks a local zip against `<zip>.md5` when present; returns its MD5.
    static func checkLocalZip(_ zip: String) throws -> String {
        let actual = try md5(of: zip)
        if FileSystem.exists(zip + ".md5") {
            let expected = try BronzeDownload.parseMD5(zip + ".md5")
            guard actual == expected else {
                throw ReelError(.corrupt, "\(zip): MD5 is \(actual), \(zip).md5 says \(expected)")
            }
            Console.info("bronze", "MD5 \(actual) matches \(zip).md5")
        }
        return actual
    }

    static func md5(of path: String) throws -> String {
        let file = try BronzeRead.sequential(path)
        return MD5.hex(file.bytes)
    }

    /// Unzips into a scratch folder inside `staging`, then moves the CSVs of the
    /// folder holding ratings.csv (the zip's `ml-25m/`, or its top level) up.
    static func extract(zip: String, into staging: String) throws {
        let scratch = Path.join(staging, ".unzip")
        try FileSystem.createDirectory(scratch)
        let status = try BronzeProcess.run(
            "unzip", ["-q", "-o", zip, "-d", scratch],
            installHint: "Install it with `apt-get install unzip`, or pass --source with a folder holding the CSVs.")
        guard status == 0 else {
            throw ReelError(.invalidInput, "\(zip): unzip failed with status \(status); is it an intact zip?")
        }
        try refuseLinks(in: scratch, root: scratch, zip: zip)
        let candidates = [scratch] + FileSystem.list(scratch).map { Path.join(scratch, $0) }.filter(FileSystem.isDirectory)
        guard let top = candidates.first(where: { FileSystem.exists(Path.join($0, MovieLensFile.ratings.fileName)) }) else {
            throw ReelError(.invalidInput, "\(zip) holds no ratings.csv at its top level or in its top folder (expected ml-25m/ratings.csv)")
        }
        for name in FileSystem.list(top) where isDataFile(name) {
            try FileSystem.rename(Path.join(top, name), Path.join(staging, name))
        }
        try FileSystem.removeTree(scratch)
    }

    /// Refuses a zip that unpacked anything but plain files and folders: a
    /// symlink entry (say `ratings.csv -> /etc/shadow`) would otherwise be
    /// followed by every later read, and its target's first line would end
    /// up in a header error. Checked with `lstat` before any file is opened;
    /// the message names the entry only, never anything of its target.
    static func refuseLinks(in dir: String, root: String, zip: String) throws {
        for name in FileSystem.list(dir) {
            let path = Path.join(dir, name)
            var st = stat()
            guard lstat(path, &st) == 0 else { throw ReelError.system("cannot inspect", path: path, errno: errno) }
            let entry = String(path.dropFirst(root.count + 1))
            switch st.st_mode & S_IFMT {
            case S_IFDIR: try refuseLinks(in: path, root: root, zip: zip)
            case S_IFREG: continue
            case S_IFLNK:
                throw ReelError(.invalidInput, "\(zip): entry '\(entry)' is a symbolic link; refusing the zip (MovieLens zips hold plain files only)")
            default:
                throw ReelError(.invalidInput, "\(zip): entry '\(entry)' is not a plain file; refusing the zip")
            }
        }
    }

    /// Copies the CSVs (and README.txt) of a folder, verifying each copy.
    static func copyCSVs(from source: String, into staging: String) throws {
        for name in FileSystem.list(source) where isDataFile(name) {
            let file = try BronzeRead.sequential(Path.join(source, name))
            _ = try BronzeManifest.FileEntry.write(path: Path.join(staging, name)) { writer in
                writer.write(file.bytes)
                return 0
            }
        }
    }

    static func isDataFile(_ name: String) -> Bool {
        name.hasSuffix(".csv") || MovieLensFile.optionalFiles.contains(name)
    }

    /// Manifest entries of every CSV in `dir`.
    static func measure(_ dir: String) throws -> [String: BronzeManifest.FileEntry] {
        var files: [String: BronzeManifest.FileEntry] = [:]
        for name in FileSystem.list(dir) where name.hasSuffix(".csv") {
            files[name] = try .measure(path: Path.join(dir, name))
        }
        return files
    }
}
