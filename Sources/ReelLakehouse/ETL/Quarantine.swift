import ReelCore

/// Writes rejected rows to `lakehouse/quarantine/<run-id>/<table>.rejects.csv`
/// with columns `line,rule,original`: the source line number, the rule's
/// name and the original record, quoted per RFC 4180 so any bytes survive.
enum Quarantine {
    static func write(_ rejects: RejectLog, ruleNames: [String], table: String, directory: String) throws -> String {
        let path = Path.join(directory, "\(table).rejects.csv")
        try AtomicFile.write(to: path) { w in
            w.write("line,rule,original\n")
            var row: [UInt8] = []
            for k in 0..<rejects.count {
                row.removeAll(keepingCapacity: true)
                row.append(contentsOf: "\(rejects.lines[k]),\(ruleNames[rejects.rules[k]]),".utf8)
                CSVQuoting.appendQuoted(rejects.original(k), to: &row)
                row.append(CSVByte.lf)
                w.write(row)
            }
        }
        return path
    }
}

/// Keeps the quarantine folders of the newest ETL runs (`lakehouse/quarantine/<run-id>/`;
/// run ids sort by time), so rejected rows stay inspectable for as long as
/// the run records that count them, and the folder does not grow without end.
public enum QuarantineRetention {
    /// Removes all but the newest `keep` run folders; returns the removed run ids.
    public static func prune(home: ReelHome, keep: Int) throws -> [String] {
        let root = Path.parent(home.quarantine(run: "x"))
        let runs = FileSystem.list(root).filter { !$0.hasPrefix(".") && FileSystem.isDirectory(Path.join(root, $0)) }.sorted()
        guard runs.count > keep else { return [] }
        let doomed = Array(runs.prefix(runs.count - keep))
        for id in doomed { try FileSystem.removeTree(Path.join(root, id)) }
        return doomed
    }
}
