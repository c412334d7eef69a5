#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
import ReelTestSupport
#endif

/// A fresh, empty, uniquely named folder under /tmp (`mkdtemp`), for one test.
///
/// One helper for every test target (issue 15: the same function was copied into
/// five of them). Tests that want the folder gone remove it themselves; a failed
/// test's folder is left behind to be looked at.
package func makeTempDir(_ tag: String = "reel") -> String {
    var template = Array("/tmp/\(tag)-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard let p else { fatalError("mkdtemp failed for /tmp/\(tag)-XXXXXX: errno \(errno)") }
    return String(cString: p)
}
