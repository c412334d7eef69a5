import Foundation
import ReelCore

/// `manifest.json` of a silver version: every file with its size and
/// xxh3-64, and the row counts. It holds no run id and no time, so the same
/// input gives the same manifest byte for byte, and its own xxh3-64 is the
/// "source data fingerprint" a release records.
public struct SilverManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int
        /// 16 lowercase hex digits.
        public var xxh3: String

        public init(name: String, bytes: Int, xxh3: String) {
            self.name = name
            self.bytes = bytes
            self.xxh3 = xxh3
        }
    }

    public struct Counts: Codable, Sendable, Equatable {
        public var users: Int
        public var movies: Int
        public var ratings: Int
        public var tags: Int

        public init(users: Int, movies: Int, ratings: Int, tags: Int) {
            self.users = users
            self.movies = movies
            self.ratings = ratings
            self.tags = tags
        }
    }

    /// The bronze events one type contributed (see `docs/events.md`).
    public struct EventsUsed: Codable, Sendable, Equatable {
        /// Events of the type in bronze, each event id once.
        public var events: Int
        /// Those that passed the rules; rating events among them may still
        /// lose the (user, movie) dedupe to a newer rating.
        public var passed: Int
        /// xxh3-64 of the events' user, movie, time and rating columns in
        /// partition order, 16 lowercase hex digits: new events change the
        /// manifest, and so the silver fingerprint, even when they change no
        /// other file.
        public var xxh3: String

        public init(events: Int, passed: Int, xxh3: String) {
            self.events = events
            self.passed = passed
            self.xxh3 = xxh3
        }
    }

    public var format = "reel-silver"
    public var formatVersion = SilverFormat.version
    public var counts: Counts
    /// Newest accepted rating or event (Unix seconds): where the trending windows end.
    public var popularityEndTime: Int64
    public var files: [File]
    /// Per event type (`view`, `click`, `rating`), when the run read
    /// `lakehouse/bronze/events/`; absent otherwise, so a version built
    /// without events has the same manifest as before events existed.
    public var events: [String: EventsUsed]?

    enum CodingKeys: String, CodingKey {
        case format, counts, files, events
        case formatVersion = "format_version"
        case popularityEndTime = "popularity_end_time"
    }

    /// Deterministic JSON (sorted keys, fixed layout).
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Encoding plain ints and strings cannot fail.
        return Array(try! encoder.encode(self)) + [0x0A]
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> SilverManifest {
        let manifest: SilverManifest
        do {
            manifest = try JSONDecoder().decode(SilverManifest.self, from: Data(bytes))
        } catch {
            throw ReelError(.corrupt, "\(path): not a readable silver manifest (\(error))")
        }
        guard manifest.format == "reel-silver" else { throw ReelError(.corrupt, "\(path): format is '\(manifest.format)', not reel-silver") }
        guard manifest.formatVersion == SilverFormat.version else {
            throw ReelError(
                .corrupt, "\(path): silver format version \(manifest.formatVersion); this build reads \(SilverFormat.version) (rerun `reel etl`)")
        }
        return manifest
    }

    /// The entry for `name`, or a corrupt-version error.
    public func file(_ name: String, path: String) throws -> File {
        guard let f = files.first(where: { $0.name == name }) else {
            throw ReelError(.corrupt, "\(path): lists no \(name)")
        }
        return f
    }
}
