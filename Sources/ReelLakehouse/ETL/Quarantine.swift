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
