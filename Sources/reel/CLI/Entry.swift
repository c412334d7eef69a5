import ArgumentParser
import ReelCore

/// The process entry point around ArgumentParser's own: parse, run, and on a
/// parse error say what was meant. Kept apart from the commands so that every
/// subcommand gets the same treatment:
///
/// - every help screen ends with the exit-code table (`ExitStatus`);
/// - an unknown subcommand (`reel serv`) is reported as unknown, with the closest name;
/// - an unknown option (`--usr`) is reported as unknown, with the closest option of that
///   command, rather than as a missing required option.
enum Entry {
    static func main(_ root: Reel.Type, arguments: [String]) async {
        do {
            var command = try root.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = root.exitCode(for: error)
            if code == .success {
                var text = root.fullMessage(for: error)
                if text.contains("USAGE:") { text += "\n\n" + ExitStatus.helpText + "\n" }
                if !text.isEmpty { print(text) }
                exit(code.rawValue)
            }
            if code == .validationFailure, let better = diagnose(arguments) {
                Console.error(better.message)
                Console.emit("\(better.usage)\n")
                exit(ExitCode.validationFailure.rawValue)
            }
            root.exit(withError: error)
        }
    }

    struct Diagnosis {
        var message: String
        var usage: String
    }

    /// A clearer message than ArgumentParser's for an unknown subcommand or option, or nil.
    static func diagnose(_ arguments: [String]) -> Diagnosis? {
        var command: ParsableCommand.Type = Reel.self
        var path = ["reel"]
        var index = 0
        // Walk the subcommand words.
        while index < arguments.count {
            let word = arguments[index]
            if word.hasPrefix("-") { break }
            let subs = subcommands(of: command)
            guard !subs.isEmpty else { break }
            if let sub = subs.first(where: { name(of: $0) == word }) {
                command = sub
                path.append(word)
                index += 1
                continue
            }
            let atRoot = path.count == 1
            let names = subs.map { name(of: $0) } + (atRoot ? ["help"] : [])
            if word == "help" { return nil }
            // A command with a default subcommand takes positional words itself (runs show ID).
            if !atRoot, defaultSubcommand(of: command) != nil,
                Suggestion.closest(to: word, in: names) == nil
            {
                break
            }
            return Diagnosis(
                message: "unknown command '\(path.joined(separator: " ")) \(word)'"
                    + Suggestion.hint(for: word, in: names)
                    + " (commands: \(names.filter { $0 != "help" }.joined(separator: ", ")))",
                usage: "See '\(path.joined(separator: " ")) --help'.")
        }
        if let defaultSub = defaultSubcommand(of: command),
            index < arguments.count, arguments[index].hasPrefix("-")
        {
            command = defaultSub
        }
        let known = knownOptions(command)
        for arg in arguments[index...] {
            if arg == "--" { break }
            guard arg.hasPrefix("--"), arg.count > 2 else { continue }
            let name = String(arg.split(separator: "=", maxSplits: 1)[0])
            if known.contains(name) { continue }
            return Diagnosis(
                message: "unknown option '\(name)' for '\(path.joined(separator: " "))'"
                    + Suggestion.hint(for: name, in: Array(known).sorted()),
                usage: "See '\(path.joined(separator: " ")) --help'.")
        }
        return nil
    }

    /// The long options `command` accepts, read from its own help screen (hidden ones included).
    static func knownOptions(_ command: ParsableCommand.Type) -> Set<String> {
        var names: Set<String> = ["--help", "--version"]
        let help = helpText(of: command)
        var current = ""
        for ch in help + " " {
            if ch.isLetter || ch.isNumber || ch == "-" {
                current.append(ch)
            } else {
                if current.hasPrefix("--"), current.count > 2 {
                    // `--[no-]x` renders as `--[no-]x`: record both spellings.
                    names.insert(current)
                }
                current = ""
            }
        }
        for n in names where n.hasPrefix("--") && n.hasSuffix("-") { names.remove(n) }
        // `--[no-]flag` appears as `--` `[` `no-` `]` `flag`: handled by the literal pass below.
        for line in help.split(separator: "\n") where line.contains("--[no-]") {
            for part in line.split(separator: " ") where part.hasPrefix("--[no-]") {
                let base = part.dropFirst("--[no-]".count).prefix { $0.isLetter || $0.isNumber || $0 == "-" }
                names.insert("--" + base)
                names.insert("--no-" + base)
            }
        }
        return names
    }

    // Generic helpers: they open the existential metatype explicitly (swiftc 6.3 crashed in
    // SILGen on `command.configuration` with `command: ParsableCommand.Type`).
    static func subcommands<C: ParsableCommand>(of command: C.Type) -> [ParsableCommand.Type] { C.configuration.subcommands }
    static func defaultSubcommand<C: ParsableCommand>(of command: C.Type) -> ParsableCommand.Type? { C.configuration.defaultSubcommand }
    static func name<C: ParsableCommand>(of command: C.Type) -> String { C._commandName }
    static func helpText<C: ParsableCommand>(of command: C.Type) -> String { C.helpMessage(includeHidden: true, columns: 10_000) }
}

#if canImport(Glibc)
import Glibc
#endif
