import SystemZlib
import Domain
import Foundation

/// Streams request-log files into a `DriftScanner`: plain or gzip-compressed (recognised by its
/// magic bytes, concatenated members included), read in 1 MiB pieces straight into the scanner's
/// buffer, so memory stays the same whatever the file's size.
public enum LogFile {
    public struct Failure: Error, CustomStringConvertible {
        public let file: String
        public let problem: String
        public var description: String { "\(file): \(problem)" }
    }

    public struct Progress: Sendable {
        public var bytesRead: Int64
        public var totalBytes: Int64
        public var rows: Int
    }

    /// Scans each file in turn; `progress` is called about every 8 MiB read.
    public static func scan(_ paths: [String], into scanner: DriftScanner, limit: InflateLimit = .standard,
                            progress: (Progress) -> Void = { _ in }) throws {
        let total = paths.reduce(Int64(0)) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0)
        }
        var done: Int64 = 0
        for path in paths {
            let name = (path as NSString).lastPathComponent
            guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(file: path, problem: "cannot be opened") }
            defer { try? handle.close() }
            do {
                try scanner.startFile(named: name)
                var lastReport = done
                try read(handle.fileDescriptor, named: name, into: scanner, limit: limit) { bytes in
                    done += Int64(bytes)
                    if done - lastReport >= 8 << 20 {
                        lastReport = done
                        progress(Progress(bytesRead: done, totalBytes: total, rows: scanner.rowsRead))
                    }
                }
                try scanner.endFile()
            } catch let error as WebLogError {
                throw Failure(file: name, problem: error.description)
            }
        }
        progress(Progress(bytesRead: done, totalBytes: total, rows: scanner.rowsRead))
    }

    /// Scans bytes already in memory (an upload), compressed or not, in 1 MiB pieces; `progress` is
    /// told how many of the upload's bytes were read, about every 8 MiB.
    public static func scan(_ data: [UInt8], named name: String, into scanner: DriftScanner, limit: InflateLimit = .standard,
                            progress: (Progress) -> Void = { _ in }) throws {
        try scanner.startFile(named: name)
        let total = Int64(data.count), piece = 1 << 20
        var reported: Int64 = 0
        func report(_ done: Int) {
            if Int64(done) - reported >= 8 << 20 || done == data.count {
                reported = Int64(done)
                progress(Progress(bytesRead: reported, totalBytes: total, rows: scanner.rowsRead))
            }
        }
        do {
            try data.withUnsafeBytes { raw in
                let inflater = isGzip(data) ? try Inflater(file: name, limit: limit) : nil
                for start in stride(from: 0, to: raw.count, by: piece) {
                    let chunk = UnsafeRawBufferPointer(rebasing: raw[start..<min(start + piece, raw.count)])
                    if let inflater { try inflater.inflate(chunk, file: name) { try scanner.feed($0) } } else { try scanner.feed(chunk) }
                    report(start + chunk.count)
                }
                try inflater?.checkEnded(file: name)
            }
            try scanner.endFile()
        } catch let error as WebLogError {
            throw Failure(file: name, problem: error.description)
        }
    }

    /// What can be said of an upload at once, before it is queued: that it is empty, that its header
    /// lacks a column, that its gzip data is not gzip (or, for a small file, truncated). Reads at most
    /// the first `prefix` bytes of its (inflated) content; the rest is the background scan's.
    public static func check(_ data: [UInt8], named name: String, setup: DriftSetup, prefix: Int = 64 << 10) throws {
        var head: [UInt8] = []
        head.reserveCapacity(prefix)
        struct Enough: Error {}
        var complete = true
        if isGzip(data) {
            let inflater = try Inflater(file: name, limit: .standard)
            do {
                try data.withUnsafeBytes { raw in
                    for start in stride(from: 0, to: raw.count, by: 16 << 10) {
                        try inflater.inflate(UnsafeRawBufferPointer(rebasing: raw[start..<min(start + (16 << 10), raw.count)]), file: name) { out in
                            head.append(contentsOf: out.prefix(prefix - head.count))
                            if head.count >= prefix { throw Enough() }
                        }
                    }
                }
                try inflater.checkEnded(file: name)
            } catch is Enough {
                complete = false
            }
        } else {
            head = Array(data.prefix(prefix))
            complete = data.count <= prefix
        }
        if !complete, let lastNewline = head.lastIndex(of: 0x0A) { head.removeSubrange((lastNewline + 1)...) }
        let scanner = DriftScanner(DriftSetup(targets: [], catalog: [], columns: setup.columns))
        do {
            try scanner.startFile(named: name)
            try scanner.feed(head)
            try scanner.endFile()
            _ = try scanner.finish()
        } catch let error as WebLogError {
            throw Failure(file: name, problem: error.description)
        }
    }

    public static func isGzip<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    private static func read(_ fd: Int32, named name: String, into scanner: DriftScanner, limit: InflateLimit, counted: (Int) -> Void) throws {
        var magic = [UInt8](repeating: 0, count: 2)
        let peeked = magic.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, 2) }
        guard peeked >= 0 else { throw Failure(file: name, problem: "cannot be read") }
        if peeked == 2, isGzip(magic) {
            let inflater = try Inflater(file: name, limit: limit)
            let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
            defer { input.deallocate() }
            try magic.withUnsafeBytes { try inflater.inflate($0, file: name) { try scanner.feed($0) } }
            counted(2)
            while true {
                let n = Foundation.read(fd, input.baseAddress, input.count)
                guard n >= 0 else { throw Failure(file: name, problem: "cannot be read") }
                if n == 0 { break }
                counted(n)
                try inflater.inflate(UnsafeRawBufferPointer(rebasing: input[0..<n]), file: name) { try scanner.feed($0) }
            }
            try inflater.checkEnded(file: name)
            return
        }
        if peeked > 0 { try scanner.feed(Array(magic[0..<peeked])); counted(peeked) }
        while true {
            var got = 0
            try scanner.fill { space in
                let n = Foundation.read(fd, space.baseAddress, space.count)
                guard n >= 0 else { throw Failure(file: name, problem: "cannot be read") }
                got = n
                return n
            }
            if got == 0 { break }
            counted(got)
        }
    }
}

/// A zlib inflate stream for gzip input, with concatenated members (as `cat a.gz b.gz` makes).
final class Inflater {
    private var stream = z_stream()
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
    private var ended = false
    private let limit: InflateLimit
    /// Across every member (inflateReset clears zlib's own totals).
    private var compressed: Int64 = 0
    private var inflated: Int64 = 0

    init(file: String, limit: InflateLimit) throws {
        self.limit = limit
        // 15 + 16: a gzip header, the largest window.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LogFile.Failure(file: file, problem: "cannot start decompressing")
        }
    }

    deinit {
        inflateEnd(&stream)
        output.deallocate()
    }

    func inflate(_ input: UnsafeRawBufferPointer, file: String, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        // Compressed bytes are counted as zlib consumes them, not as they are handed over, so a bomb
        // is judged on the few kilobytes that made its first megabytes.
        let before = compressed
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while stream.avail_in > 0 {
            if ended {
                // Another gzip member follows the one that ended.
                guard inflateReset(&stream) == Z_OK else { throw LogFile.Failure(file: file, problem: "is not valid gzip") }
                ended = false
            }
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count)
            let status = SystemZlib.inflate(&stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.avail_out)
            inflated += Int64(produced)
            compressed = before + Int64(input.count - Int(stream.avail_in))
            if let refusal = limit.refusal(compressed: compressed, inflated: inflated) { throw LogFile.Failure(file: file, problem: refusal) }
            if produced > 0 { try emit(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            switch status {
            case Z_OK, Z_BUF_ERROR: continue
            case Z_STREAM_END: ended = true
            default: throw LogFile.Failure(file: file, problem: "is damaged: the gzip data does not decompress")
            }
        }
    }

    func checkEnded(file: String) throws {
        guard ended else { throw LogFile.Failure(file: file, problem: "ends before its gzip data does (truncated?)") }
    }
}
