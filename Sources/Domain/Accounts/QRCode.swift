/// A QR code (ISO/IEC 18004) for one short text in byte mode at error correction level M, versions 1–13 (up to
/// 331 bytes: an `otpauth://` address is about 150). No kept Swift library makes QR codes, so this is the
/// standard's own procedure: data and Reed–Solomon codewords in interleaved blocks, function patterns, the
/// zigzag placement, and the mask with the lowest penalty.
public struct QRCode: Equatable, Sendable {
    /// `modules[row][column]`, true for dark.
    public let modules: [[Bool]]
    public let version: Int
    public let mask: Int

    public var size: Int { modules.count }

    /// (error correction codewords per block, [(blocks, data codewords per block)]) for level M.
    static let blocks: [(ec: Int, groups: [(count: Int, data: Int)])] = [
        (10, [(1, 16)]), (16, [(1, 28)]), (26, [(1, 44)]), (18, [(2, 32)]), (24, [(2, 43)]), (16, [(4, 27)]),
        (18, [(4, 31)]), (22, [(2, 38), (2, 39)]), (22, [(3, 36), (2, 37)]), (26, [(4, 43), (1, 44)]),
        (30, [(1, 50), (4, 51)]), (22, [(6, 36), (2, 37)]), (22, [(8, 37), (1, 38)]),
    ]
    static let alignment: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
    ]

    /// nil when the text is longer than version 13 holds. `forcedMask` is for tests that compare with another encoder.
    public init?(text: String, forcedMask: Int? = nil) {
        let bytes = Array(text.utf8)
        guard let version = (1...13).first(where: { Self.capacity($0) >= bytes.count }) else { return nil }
        let codewords = Self.codewords(bytes, version: version)
        var grid = Grid(version: version)
        grid.place(codewords)
        let chosen = forcedMask ?? (0..<8).min { grid.masked($0).penalty < grid.masked($1).penalty }!
        let final = grid.masked(chosen)
        self.modules = final.dark
        self.version = version
        self.mask = chosen
    }

    static func dataCodewords(_ version: Int) -> Int { blocks[version - 1].groups.reduce(0) { $0 + $1.count * $1.data } }

    static func capacity(_ version: Int) -> Int { (dataCodewords(version) * 8 - 4 - (version < 10 ? 8 : 16)) / 8 }

    static func codewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCodewords(version) * 8
        append(0, min(4, capacity - bits.count))
        while bits.count % 8 != 0 { bits.append(false) }
        var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in bits[start..<start + 8].reduce(0) { ($0 << 1) | ($1 ? 1 : 0) } }
        var pad: UInt8 = 0xEC
        while data.count < dataCodewords(version) { data.append(pad); pad = pad == 0xEC ? 0x11 : 0xEC }
        // Split into blocks, add each block's error correction, interleave.
        let layout = blocks[version - 1]
        var dataBlocks: [[UInt8]] = [], ecBlocks: [[UInt8]] = []
        var offset = 0
        for group in layout.groups {
            for _ in 0..<group.count {
                let block = Array(data[offset..<offset + group.data])
                offset += group.data
                dataBlocks.append(block)
                ecBlocks.append(ReedSolomon.remainder(block, degree: layout.ec))
            }
        }
        var result: [UInt8] = []
        for index in 0..<(dataBlocks.map(\.count).max() ?? 0) { for block in dataBlocks where index < block.count { result.append(block[index]) } }
        for index in 0..<layout.ec { for block in ecBlocks { result.append(block[index]) } }
        return result
    }

    struct Grid {
        let size: Int
        let version: Int
        var dark: [[Bool]]
        var reserved: [[Bool]]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: Array(repeating: false, count: size), count: size)
            reserved = dark
            for (row, column) in [(0, 0), (0, size - 7), (size - 7, 0)] { finder(row, column) }
            for index in 8..<(size - 8) {
                set(6, index, index % 2 == 0)
                set(index, 6, index % 2 == 0)
            }
            let centres = QRCode.alignment[version - 1]
            let last = centres.last ?? 0
            for row in centres {
                // Not where a finder pattern is (the three corners of the list).
                for column in centres where !((row == 6 && column == 6) || (row == 6 && column == last) || (row == last && column == 6)) {
                    for dr in -2...2 { for dc in -2...2 { set(row + dr, column + dc, max(abs(dr), abs(dc)) != 1) } }
                }
            }
            set(size - 8, 8, true)  // the dark module
            // Format areas, filled in when masked; version information from version 7.
            for index in 0...8 { reserve(8, index); reserve(index, 8) }
            for index in 0..<8 { reserve(8, size - 1 - index); reserve(size - 1 - index, 8) }
            if version >= 7 {
                let info = QRCode.bch(version, generator: 0x1F25, bits: 12)
                for index in 0..<18 {
                    let bit = (info >> index) & 1 == 1
                    set(index / 3, size - 11 + index % 3, bit)
                    set(size - 11 + index % 3, index / 3, bit)
                }
            }
        }

        mutating func set(_ row: Int, _ column: Int, _ value: Bool) {
            guard (0..<size).contains(row), (0..<size).contains(column) else { return }
            dark[row][column] = value
            reserved[row][column] = true
        }

        mutating func reserve(_ row: Int, _ column: Int) { reserved[row][column] = true }

        mutating func finder(_ top: Int, _ left: Int) {
            for dr in -1...7 {
                for dc in -1...7 {
                    let ring = max(abs(dr - 3), abs(dc - 3))
                    set(top + dr, left + dc, ring != 2 && ring != 4)
                }
            }
        }

        /// The zigzag: two-module columns from the right, up then down, skipping the vertical timing pattern.
        mutating func place(_ codewords: [UInt8]) {
            var bitIndex = 0
            let total = codewords.count * 8
            var column = size - 1
            var upward = true
            while column > 0 {
                if column == 6 { column -= 1 }
                for step in 0..<size {
                    let row = upward ? size - 1 - step : step
                    for dc in 0...1 where !reserved[row][column - dc] {
                        if bitIndex < total { dark[row][column - dc] = (codewords[bitIndex / 8] >> (7 - bitIndex % 8)) & 1 == 1 }
                        bitIndex += 1
                    }
                }
                upward.toggle()
                column -= 2
            }
        }

        func masked(_ mask: Int) -> (dark: [[Bool]], penalty: Int) {
            var out = dark
            for row in 0..<size {
                for column in 0..<size where !reserved[row][column] {
                    let flip: Bool = switch mask {
                    case 0: (row + column) % 2 == 0
                    case 1: row % 2 == 0
                    case 2: column % 3 == 0
                    case 3: (row + column) % 3 == 0
                    case 4: (row / 2 + column / 3) % 2 == 0
                    case 5: (row * column) % 2 + (row * column) % 3 == 0
                    case 6: ((row * column) % 2 + (row * column) % 3) % 2 == 0
                    default: ((row + column) % 2 + (row * column) % 3) % 2 == 0
                    }
                    if flip { out[row][column].toggle() }
                }
            }
            // Format information: level M (00) and the mask, BCH-protected and XORed with 101010000010010.
            let format = QRCode.bch(mask, generator: 0x537, bits: 10) ^ 0x5412
            for index in 0..<15 {
                let bit = (format >> index) & 1 == 1
                // Around the top-left finder.
                if index < 6 { out[index][8] = bit } else if index < 8 { out[index + 1][8] = bit } else { out[8][14 - index + (index == 8 ? 1 : 0)] = bit }
                // Split between the other two finders.
                if index < 8 { out[8][size - 1 - index] = bit } else { out[size - 15 + index][8] = bit }
            }
            return (out, QRCode.penalty(out))
        }
    }

    /// `value` followed by its BCH remainder (format and version information).
    static func bch(_ value: Int, generator: Int, bits: Int) -> Int {
        let degree = Int.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = value << degree
        while remainder != 0, Int.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            remainder ^= generator << (Int.bitWidth - remainder.leadingZeroBitCount - 1 - degree)
        }
        return (value << degree) | remainder
    }

    /// The standard's four penalty rules: runs, 2×2 blocks, finder-like patterns, and dark/light balance.
    static func penalty(_ dark: [[Bool]]) -> Int {
        let size = dark.count
        var score = 0
        let columns = (0..<size).map { column in (0..<size).map { dark[$0][column] } }
        for line in dark + columns {
            var run = 1
            for index in 1..<size {
                if line[index] == line[index - 1] { run += 1 } else { if run >= 5 { score += run - 2 }; run = 1 }
            }
            if run >= 5 { score += run - 2 }
            let pattern: [Bool] = [true, false, true, true, true, false, true]
            for start in 0...(size - 7) where Array(line[start..<start + 7]) == pattern {
                let before = start >= 4 && line[(start - 4)..<start].allSatisfy { !$0 }
                let after = start + 11 <= size && line[(start + 7)..<(start + 11)].allSatisfy { !$0 }
                if before || after { score += 40 }
            }
        }
        for row in 0..<(size - 1) {
            for column in 0..<(size - 1) {
                let value = dark[row][column]
                if dark[row][column + 1] == value, dark[row + 1][column] == value, dark[row + 1][column + 1] == value { score += 3 }
            }
        }
        let darkCount = dark.reduce(0) { $0 + $1.filter { $0 }.count }
        score += abs(darkCount * 20 - size * size * 10) / (size * size) * 10
        return score
    }
}

/// Reed–Solomon error correction over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static let tables: (exp: [UInt8], log: [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512), log = [Int](repeating: 0, count: 256)
        var value = 1
        for index in 0..<255 {
            exp[index] = UInt8(value)
            log[value] = index
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for index in 255..<512 { exp[index] = exp[index - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return tables.exp[tables.log[Int(a)] + tables.log[Int(b)]]
    }

    /// The generator polynomial (x − α⁰)…(x − α^(degree−1)), highest power first, leading 1 dropped.
    static func generator(_ degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for index in 0..<degree {
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (position, coefficient) in poly.enumerated() {
                next[position] ^= coefficient
                next[position + 1] ^= multiply(coefficient, tables.exp[index])
            }
            poly = next
        }
        return Array(poly.dropFirst())
    }

    static func remainder(_ data: [UInt8], degree: Int) -> [UInt8] {
        let generator = generator(degree)
        var result = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for index in 0..<degree { result[index] ^= multiply(generator[index], factor) }
        }
        return result
    }
}
