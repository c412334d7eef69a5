/// `reel --version`. The release file format has its own version in each file's header;
/// this is the program's, bumped when the command line or the HTTP API changes.
enum ReelVersion {
    static let string = "0.9.0"
}
