import ReelCore

/// The effective configuration: built-in defaults, overridden by
/// `pipeline/reel.toml`, overridden by `REEL_…` environment variables, overridden
/// by command-line flags. Unknown keys and values of the wrong type or out of
/// range are errors naming the key and where it was set.
///
/// Code reads a value through a typed key (`config.int(.modelRank)`,
/// `SettingKey.swift`): a key that does not exist, or is read as the wrong
/// type, does not compile. Names read from the file and the environment are
/// checked when loaded, so every key held here is one of `settings`.
public struct ReelConfig: Sendable {
    public private(set) var values: [String: (value: TOMLValue, source: SettingSource)]

    static let byKey: [String: Setting] = Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0) })

    /// Defaults only.
    public init() {
        values = [:]
        for s in Self.settings { values[s.key] = (s.defaultValue, .builtIn) }
    }

    /// Defaults, then `path` if it exists, then the environment.
    public static func load(path: String, environment: [String: String] = ProcessEnvironment.all()) throws -> ReelConfig {
        var config = ReelConfig()
        if FileSystem.exists(path) {
            let text = try FileSystem.readText(path)
            for entry in try TOML.parse(text, file: path) {
                try config.set(named: entry.key, entry.value, source: .file(path: path, line: entry.line))
            }
        }
        let sections = Set(settings.map { String($0.key.split(separator: ".")[0]).uppercased() })
        for (name, raw) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("REEL_") {
            if let setting = settings.first(where: { $0.environmentName == name }) {
                try config.set(named: setting.key, parseEnvironment(raw, kind: setting.kind), source: .environment(name))
            } else if let section = name.dropFirst(5).split(separator: "_").first, sections.contains(String(section)) {
                throw ReelError(.usage, "unknown setting in environment variable \(name); `reel config show` lists the settings")
            }
        }
        return config
    }

    /// Sets a value after checking its type and range (a tuning, a flag, a test).
    public mutating func set(_ key: any SettingKey, _ value: TOMLValue, source: SettingSource) throws {
        try set(named: key.name, value, source: source)
    }

    /// Sets a value named by text (from the file or the environment) after
    /// checking the key, its type and its range.
    mutating func set(named key: String, _ value: TOMLValue, source: SettingSource) throws {
        guard let setting = Self.byKey[key] else {
            throw ReelError(.usage, "unknown setting '\(key)' (\(source)); `reel config show` lists the settings")
        }
        let checked = try Self.check(value, setting, source)
        values[key] = (checked, source)
    }

    static func check(_ value: TOMLValue, _ s: Setting, _ source: SettingSource) throws -> TOMLValue {
        func bad(_ why: String) -> ReelError { ReelError(.usage, "setting '\(s.key)' (\(source)): \(why)") }
        switch (s.kind, value) {
        case (.integer(let range), .integer(let i)):
            guard range.contains(i) else { throw bad("\(i) is outside \(range.lowerBound)…\(range.upperBound)") }
            return value
        case (.float(let range), .float(let d)):
            guard range.contains(d) else { throw bad("\(d) is outside \(range.lowerBound)…\(range.upperBound)") }
            return value
        case (.float, .integer(let i)):
            return try check(.float(Double(i)), s, source)
        case (.boolean, .boolean), (.string, .string):
            return value
        case (.choice(let options), .string(let v)):
            guard options.contains(v) else { throw bad("'\(v)' is not one of \(options.joined(separator: ", "))") }
            return value
        default:
            throw bad("expected \(Self.describe(s.kind)), got \(value)")
        }
    }

    static func describe(_ kind: Setting.Kind) -> String {
        switch kind {
        case .integer: return "an integer"
        case .float: return "a number"
        case .boolean: return "true or false"
        case .string: return "a string"
        case .choice(let o): return "one of \(o.joined(separator: ", "))"
        }
    }

    static func parseEnvironment(_ raw: String, kind: Setting.Kind) -> TOMLValue {
        switch kind {
        case .integer: return Int64(raw).map(TOMLValue.integer) ?? .string(raw)
        case .float: return Double(raw).map(TOMLValue.float) ?? .string(raw)
        case .boolean: return raw == "true" || raw == "1" ? .boolean(true) : raw == "false" || raw == "0" ? .boolean(false) : .string(raw)
        case .string, .choice: return .string(raw)
        }
    }

    /// The value of `key`. Every key of the typed enums is in `settings` (a
    /// test checks it) and `init()` fills every setting, so this cannot miss.
    public func value(_ key: any SettingKey) -> TOMLValue { entry(key.name).value }

    public func source(_ key: any SettingKey) -> SettingSource { entry(key.name).source }

    /// The value of a setting from `settings` (for code that walks them all).
    public func value(of setting: Setting) -> TOMLValue { entry(setting.key).value }

    public func source(of setting: Setting) -> SettingSource { entry(setting.key).source }

    private func entry(_ name: String) -> (value: TOMLValue, source: SettingSource) {
        guard let v = values[name] else { preconditionFailure("setting \(name) is missing from ReelConfig.settings") }
        return v
    }

    public func int(_ key: IntKey) -> Int {
        if case .integer(let i) = value(key) { return Int(i) }
        preconditionFailure("\(key.name) holds no integer")  // `check` admits only integers
    }

    public func double(_ key: DoubleKey) -> Double {
        switch value(key) {
        case .float(let d): return d
        case .integer(let i): return Double(i)
        default: preconditionFailure("\(key.name) holds no number")  // `check` admits only numbers
        }
    }

    public func bool(_ key: BoolKey) -> Bool {
        if case .boolean(let b) = value(key) { return b }
        preconditionFailure("\(key.name) holds no boolean")  // `check` admits only booleans
    }

    public func string(_ key: StringKey) -> String {
        if case .string(let s) = value(key) { return s }
        preconditionFailure("\(key.name) holds no string")  // `check` admits only strings
    }

    /// `reel config show`: every setting, its effective value and where it came from.
    public func render() -> String {
        let width = Self.settings.map(\.key.count).max() ?? 0
        var out = ""
        for s in Self.settings {
            let v = entry(s.key)
            out += s.key + String(repeating: " ", count: width - s.key.count + 2)
            out += "\(v.value)  (\(v.source))\n"
        }
        return out
    }
}

extension ReelConfig {
    /// A complete, commented `reel.toml` holding every setting at its default.
    /// `pipeline/reel.toml` is this text (a test keeps them equal).
    public static func defaultTOML() -> String {
        var out = """
            # Reel configuration. Every knob, at its default, documented in place.
            # Precedence: built-in default < this file < REEL_<SECTION>_<KEY> environment
            # variables (e.g. REEL_MODEL_RANK=32) < command-line flags.
            # `reel config show` prints the effective values and where each came from.

            """
        var section = ""
        for s in settings {
            let parts = s.key.split(separator: ".", maxSplits: 1)
            if parts[0] != section {
                section = String(parts[0])
                out += "\n[\(section)]\n"
            }
            out += "# \(s.help)\n\(parts[1]) = \(s.defaultValue)\n"
        }
        return out
    }
}
