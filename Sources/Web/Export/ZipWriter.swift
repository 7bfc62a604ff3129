import Foundation

/// Writes a .zip of stored (uncompressed) files, reading each file in chunks so memory stays flat.
/// Without ZIP64 a bundle is limited to 4 GiB; larger exports use the command line's directory.
enum ZipWriter {
    struct TooLarge: Error {}

    static func zip(directory: String, files: [String], to output: String, prefix: String) throws {
        let root = directory.hasSuffix("/") ? directory : directory + "/"
        FileManager.default.createFile(atPath: output, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? out.close() }
        var central = Data()
        var offset: UInt64 = 0
        let (time, date) = dosTime(Date())
        for path in files {
            let name = Data((prefix + path).utf8)
            let (crc, size) = try checksum(root + path)
            guard size < UInt64(UInt32.max), offset < UInt64(UInt32.max) else { throw TooLarge() }
            var header = Data()
            header.append(le32: 0x0403_4B50); header.append(le16: 20); header.append(le16: 0x0800); header.append(le16: 0)
            header.append(le16: time); header.append(le16: date); header.append(le32: crc)
            header.append(le32: UInt32(size)); header.append(le32: UInt32(size)); header.append(le16: UInt16(name.count)); header.append(le16: 0)
            header.append(name)
            try out.write(contentsOf: header)
            let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: root + path))
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
            try input.close()
            central.append(le32: 0x0201_4B50); central.append(le16: 20); central.append(le16: 20); central.append(le16: 0x0800); central.append(le16: 0)
            central.append(le16: time); central.append(le16: date); central.append(le32: crc); central.append(le32: UInt32(size)); central.append(le32: UInt32(size))
            central.append(le16: UInt16(name.count)); central.append(le16: 0); central.append(le16: 0); central.append(le16: 0); central.append(le16: 0)
            central.append(le32: 0); central.append(le32: UInt32(offset)); central.append(name)
            offset += UInt64(header.count) + size
        }
        guard offset < UInt64(UInt32.max), files.count < Int(UInt16.max) else { throw TooLarge() }
        var end = Data()
        end.append(le32: 0x0605_4B50); end.append(le16: 0); end.append(le16: 0); end.append(le16: UInt16(files.count)); end.append(le16: UInt16(files.count))
        end.append(le32: UInt32(central.count)); end.append(le32: UInt32(offset)); end.append(le16: 0)
        try out.write(contentsOf: central + end)
    }

    static func checksum(_ path: String) throws -> (UInt32, UInt64) {
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? input.close() }
        var crc: UInt32 = 0xFFFF_FFFF
        var size: UInt64 = 0
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            for byte in chunk { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            size += UInt64(chunk.count)
        }
        return (crc ^ 0xFFFF_FFFF, size)
    }

    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func dosTime(_ date: Date) -> (UInt16, UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let time = UInt16(c.hour! << 11 | c.minute! << 5 | c.second! / 2)
        let day = UInt16(max(0, c.year! - 1980) << 9 | c.month! << 5 | c.day!)
        return (time, day)
    }
}

private extension Data {
    mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
