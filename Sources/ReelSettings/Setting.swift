/// One configurable knob: its dotted key, default, allowed values and the
/// sentence `reel config show` and `pipeline/reel.toml` print next to it.
/// Built only from a typed key (`ReelConfig.IntKey` …), so the kind declared
/// here always matches the accessor (`int`, `double`, `bool`, `string`) the
/// key can be read with.
public struct Setting: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int64>)
        case float(ClosedRange<Double>)
        case boolean
        case string
        case choice([String])
    }

    public let key: String
    public let kind: Kind
    public let defaultValue: TOMLValue
    public let help: String

    init(_ key: ReelConfig.IntKey, _ range: ClosedRange<Int64>, default value: Int64, help: String) {
        self.init(key: key.name, kind: .integer(range), defaultValue: .integer(value), help: help)
    }

    init(_ key: ReelConfig.DoubleKey, _ range: ClosedRange<Double>, default value: Double, help: String) {
        self.init(key: key.name, kind: .float(range), defaultValue: .float(value), help: help)
    }

    init(_ key: ReelConfig.BoolKey, default value: Bool, help: String) {
        self.init(key: key.name, kind: .boolean, defaultValue: .boolean(value), help: help)
    }

    init(_ key: ReelConfig.StringKey, default value: String, help: String) {
        self.init(key: key.name, kind: .string, defaultValue: .string(value), help: help)
    }

    init(_ key: ReelConfig.StringKey, choices: [String], default value: String, help: String) {
        self.init(key: key.name, kind: .choice(choices), defaultValue: .string(value), help: help)
    }

    private init(key: String, kind: Kind, defaultValue: TOMLValue, help: String) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// `REEL_MODEL_RANK` for `model.rank`.
    public var environmentName: String {
        "REEL_" + key.uppercased().map { $0 == "." ? "_" : $0 }.map(String.init).joined()
    }
}

/// Where an effective value came from.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case builtIn
    case file(path: String, line: Int)
    case environment(String)
    case commandLine
    /// Chosen by `reel tune`: the tuning record's path (docs/model.md, "Tuning").
    case tuning(String)

    public var description: String {
        switch self {
        case .builtIn: return "default"
        case .file(let path, let line): return "\(path):\(line)"
        case .environment(let name): return "env \(name)"
        case .commandLine: return "command line"
        case .tuning(let path): return "tuned: \(path)"
        }
    }
}
