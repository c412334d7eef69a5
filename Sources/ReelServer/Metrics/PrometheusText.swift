import NIOCore

/// Writes the Prometheus text exposition format: `# HELP`/`# TYPE` lines per
/// family, then `name{labels} value` samples.
struct PrometheusText {
    var buffer: ByteBuffer

    mutating func family(_ name: String, _ type: String, _ help: String) {
        buffer.writeString("# HELP \(name) \(help)\n# TYPE \(name) \(type)\n")
    }

    mutating func sample(_ name: String, _ labels: String, _ value: UInt64) {
        writeName(name, labels)
        buffer.writeJSONInteger(Int64(clamping: value))
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    mutating func sampleSeconds(_ name: String, _ labels: String, nanoseconds: UInt64) {
        writeName(name, labels)
        buffer.writeJSONNumber(Double(nanoseconds) / 1e9, fractionDigits: 9)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private mutating func writeName(_ name: String, _ labels: String) {
        buffer.writeString(name)
        if !labels.isEmpty {
            buffer.writeInteger(UInt8(ascii: "{"))
            buffer.writeString(labels)
            buffer.writeInteger(UInt8(ascii: "}"))
        }
        buffer.writeInteger(UInt8(ascii: " "))
    }
}
