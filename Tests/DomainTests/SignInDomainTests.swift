@testable import Domain
import Foundation
import Testing

/// A deterministic generator so enrolment tests see the same secret every run.
struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("TOTP (RFC 6238) and base32")
struct TOTPTests {
    /// RFC 6238 Appendix B's SHA-1 secret, the ASCII of "12345678901234567890".
    let rfcSecret = Array("12345678901234567890".utf8)

    @Test(arguments: [
        (Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfcVectors(time: Int64, expected: String) {
        let step = TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(time)))
        #expect(TOTP.code(secret: rfcSecret, step: step, digits: 8) == expected)
    }

    @Test func sixDigitsAreTheLastSixOfTheRFCValue() {
        #expect(TOTP.code(secret: rfcSecret, step: TOTP.step(at: Date(timeIntervalSince1970: 59))) == "287082")
    }

    @Test func aCodeMatchesOneStepEitherSideButNotTwo() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let step = TOTP.step(at: now)
        for offset: Int64 in [-1, 0, 1] {
            let code = TOTP.code(secret: rfcSecret, step: step + offset)
            #expect(TOTP.matchingStep(code, secret: rfcSecret, at: now, after: 0) == step + offset)
        }
        #expect(TOTP.matchingStep(TOTP.code(secret: rfcSecret, step: step + 2), secret: rfcSecret, at: now, after: 0) == nil)
        #expect(TOTP.matchingStep(TOTP.code(secret: rfcSecret, step: step - 2), secret: rfcSecret, at: now, after: 0) == nil)
    }

    @Test func aCodeFromAStepAlreadyUsedIsRefused() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let step = TOTP.step(at: now)
        let code = TOTP.code(secret: rfcSecret, step: step)
        #expect(TOTP.matchingStep(code, secret: rfcSecret, at: now, after: step) == nil)
        // An earlier step's code is refused once a later one was accepted.
        #expect(TOTP.matchingStep(TOTP.code(secret: rfcSecret, step: step - 1), secret: rfcSecret, at: now, after: step) == nil)
    }

    @Test(arguments: ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
    func malformedCodesNeverMatch(typed: String) {
        #expect(TOTP.matchingStep(typed, secret: rfcSecret, at: Date(timeIntervalSince1970: 1_800_000_000), after: 0) == nil)
    }

    @Test func spacesInATypedCodeAreIgnored() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let code = TOTP.code(secret: rfcSecret, step: TOTP.step(at: now))
        let spaced = String(code.prefix(3)) + " " + String(code.suffix(3))
        #expect(TOTP.matchingStep(spaced, secret: rfcSecret, at: now, after: 0) == TOTP.step(at: now))
    }

    @Test(arguments: [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")])
    func base32MatchesRFC4648(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test func base32DecodeAcceptsWhatPeopleTypeAndRefusesOtherLetters() {
        #expect(Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        #expect(Base32.decode("MZ!W") == nil)
    }

    @Test func theProvisioningAddressCarriesTheSecretAndEscapesNames() {
        let uri = TOTP.provisioningURI(secret: Array("foobar".utf8), account: "ana@northfield.example", issuer: "Northfield & Co")
        #expect(uri == "otpauth://totp/Northfield%20%26%20Co:ana@northfield.example?secret=MZXW6YTBOI&issuer=Northfield%20%26%20Co&algorithm=SHA1&digits=6&period=30")
    }

    @Test func generatedSecretsAreTwentyBytesAndDiffer() {
        var generator = CountingGenerator()
        let first = TOTP.generateSecret(using: &generator), second = TOTP.generateSecret(using: &generator)
        #expect(first.count == 20)
        #expect(first != second)
    }
}

@Suite("Second factor: codes, reuse, recovery codes, lock-out, sealing")
struct SecondFactorTests {
    let secret = Array("12345678901234567890".utf8)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func factor(recovery: [String] = []) -> SecondFactor {
        SecondFactor(sealedSecret: Data(), recoveryHashes: recovery.compactMap(RecoveryCodes.normalized).map(RecoveryCodes.hash), enrolledAt: now)
    }

    @Test func theRightCodeIsAcceptedOnceAndItsStepRemembered() throws {
        let code = TOTP.code(secret: secret, step: TOTP.step(at: now))
        guard case let .accepted(after, usedRecoveryCode) = SecondFactorRules.decide(factor(), typed: code, secret: secret, now: now) else {
            Issue.record("the right code was refused"); return
        }
        #expect(!usedRecoveryCode)
        #expect(after.lastStep == TOTP.step(at: now))
        guard case let .refused(again, lockedNow) = SecondFactorRules.decide(after, typed: code, secret: secret, now: now.addingTimeInterval(5)) else {
            Issue.record("a reused code was accepted"); return
        }
        #expect(!lockedNow)
        #expect(again.failedAttempts == 1)
    }

    @Test func fiveWrongCodesLockForFifteenMinutesAndTheRightCodeWaits() {
        var state = factor()
        for attempt in 1...5 {
            guard case let .refused(next, lockedNow) = SecondFactorRules.decide(state, typed: "000000", secret: secret, now: now) else {
                Issue.record("a wrong code was accepted"); return
            }
            #expect(lockedNow == (attempt == 5))
            state = next
        }
        #expect(state.lockedUntil == now.addingTimeInterval(15 * 60))
        let later = now.addingTimeInterval(60)
        let right = TOTP.code(secret: secret, step: TOTP.step(at: later))
        guard case .refused(_, false) = SecondFactorRules.decide(state, typed: right, secret: secret, now: later) else {
            Issue.record("a locked factor accepted a code"); return
        }
        let afterLock = now.addingTimeInterval(15 * 60 + 1)
        let fresh = TOTP.code(secret: secret, step: TOTP.step(at: afterLock))
        guard case let .accepted(open, _) = SecondFactorRules.decide(state, typed: fresh, secret: secret, now: afterLock) else {
            Issue.record("the factor stayed locked after 15 minutes"); return
        }
        #expect(open.failedAttempts == 0)
        #expect(open.lockedUntil == nil)
    }

    @Test func aWrongCodeAfterALockEndsCountsFromOne() {
        var state = factor()
        state.failedAttempts = 5
        state.lockedUntil = now.addingTimeInterval(-1)
        guard case let .refused(next, lockedNow) = SecondFactorRules.decide(state, typed: "000000", secret: secret, now: now) else {
            Issue.record("accepted"); return
        }
        #expect(!lockedNow)
        #expect(next.failedAttempts == 1)
    }

    @Test func aRecoveryCodeWorksOnceInAnyCaseOrSpacing() {
        var generator = CountingGenerator()
        let codes = RecoveryCodes.generate(using: &generator)
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 11 && $0.dropFirst(5).first == "-" })
        let start = factor(recovery: codes)
        let typed = codes[3].uppercased().replacingOccurrences(of: "-", with: " ")
        guard case let .accepted(after, usedRecoveryCode) = SecondFactorRules.decide(start, typed: typed, secret: secret, now: now) else {
            Issue.record("the recovery code was refused"); return
        }
        #expect(usedRecoveryCode)
        #expect(after.recoveryHashes.count == 9)
        guard case .refused = SecondFactorRules.decide(after, typed: codes[3], secret: secret, now: now) else {
            Issue.record("a recovery code worked twice"); return
        }
    }

    @Test func recoveryCodesAreStoredOnlyAsHashes() {
        var generator = CountingGenerator()
        let codes = RecoveryCodes.generate(using: &generator)
        let stored = factor(recovery: codes).recoveryHashes
        #expect(stored.allSatisfy { $0.count == 64 })
        #expect(codes.allSatisfy { code in !stored.contains { $0.contains(code.replacingOccurrences(of: "-", with: "")) } })
        #expect(RecoveryCodes.normalized("abc") == nil)
        #expect(RecoveryCodes.normalized("aaaaa-aaaa0") == nil)
    }

    @Test func aSealedSecretOpensOnlyForItsOwnAccountAndKey() throws {
        let key = try InstitutionKey(secret: Data(repeating: 7, count: 32))
        let seal = FactorSeal(institutionKey: key)
        let ana = User.ID(UUID()), ben = User.ID(UUID())
        let sealed = try seal.seal(secret, for: ana)
        #expect(!sealed.range(of: Data(secret)).map { _ in true }.isSomeTrue)
        #expect(try seal.open(sealed, for: ana) == secret)
        #expect(throws: (any Error).self) { try seal.open(sealed, for: ben) }
        let other = FactorSeal(institutionKey: try InstitutionKey(secret: Data(repeating: 8, count: 32)))
        #expect(throws: (any Error).self) { try other.open(sealed, for: ana) }
    }
}

private extension Optional where Wrapped == Bool {
    var isSomeTrue: Bool { self == true }
}

@Suite("ID token checks, external identities and role mapping")
struct OpenIDClaimTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let issuer = "https://idp.northfield.example"

    func claims(_ changes: [String: ClaimValue?] = [:]) -> [String: ClaimValue] {
        var claims: [String: ClaimValue] = [
            "iss": .string(issuer), "sub": .string("u-1"), "aud": .string("vendor-review"),
            "exp": .number(now.timeIntervalSince1970 + 300), "iat": .number(now.timeIntervalSince1970 - 5), "nonce": .string("n-123"),
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    func problem(_ claims: [String: ClaimValue]) -> IDTokenProblem? {
        do {
            try IDTokenRules.check(claims, issuer: issuer, clientID: "vendor-review", nonce: "n-123", now: now)
            return nil
        } catch {
            return error as? IDTokenProblem
        }
    }

    @Test func aGoodTokenPasses() { #expect(problem(claims()) == nil) }

    @Test(arguments: [
        (["iss": ClaimValue.string("https://evil.example")], IDTokenProblem.wrongIssuer),
        (["iss": nil], .missingClaim("iss")),
        (["sub": .string("")], .missingClaim("sub")),
        (["aud": .string("someone-else")], .wrongAudience),
        (["aud": .strings(["someone-else", "other"])], .wrongAudience),
        (["aud": .strings(["vendor-review", "other"])], .wrongAuthorizedParty),
        (["azp": .string("other")], .wrongAuthorizedParty),
        (["exp": .number(1_800_000_000 - 121)], .expired),
        (["exp": nil], .missingClaim("exp")),
        (["iat": .number(1_800_000_000 + 121)], .issuedInFuture),
        (["iat": .number(1_800_000_000 - 721)], .issuedTooLongAgo),
        (["nonce": .string("n-124")], .wrongNonce),
        (["nonce": nil], .missingClaim("nonce")),
    ] as [([String: ClaimValue?], IDTokenProblem)])
    func eachBadClaimIsNamed(changes: [String: ClaimValue?], expected: IDTokenProblem) {
        #expect(problem(claims(changes)) == expected)
    }

    @Test func clockSkewWithinTwoMinutesIsForgiven() {
        #expect(problem(claims(["exp": .number(now.timeIntervalSince1970 - 100), "iat": .number(now.timeIntervalSince1970 + 100)])) == nil)
        #expect(problem(claims(["aud": .strings(["vendor-review", "other"]), "azp": .string("vendor-review")])) == nil)
    }

    @Test func anEmailCountsOnlyWhenVerified() {
        let verified = ExternalIdentity.from(claims: claims(["email": .string("Ana@Northfield.example"), "email_verified": .bool(true)]), matchClaim: "email", roleClaim: nil)
        #expect(verified.email == "ana@northfield.example")
        let asString = ExternalIdentity.from(claims: claims(["email": .string("ana@northfield.example"), "email_verified": .string("true")]), matchClaim: "email", roleClaim: nil)
        #expect(asString.email == "ana@northfield.example")
        let unverified = ExternalIdentity.from(claims: claims(["email": .string("ana@northfield.example"), "email_verified": .bool(false)]), matchClaim: "email", roleClaim: nil)
        #expect(unverified.email == nil)
        let silent = ExternalIdentity.from(claims: claims(["email": .string("ana@northfield.example")]), matchClaim: "email", roleClaim: nil)
        #expect(silent.email == nil)
    }

    @Test func anotherClaimCanBeMatchedAndGroupsReadFromOneValueOrMany() {
        let identity = ExternalIdentity.from(claims: claims(["upn": .string("ana@northfield.example"), "roles": .string("vr-admins")]), matchClaim: "upn", roleClaim: "roles")
        #expect(identity.email == "ana@northfield.example")
        #expect(identity.groups == ["vr-admins"])
        let notAnEmail = ExternalIdentity.from(claims: claims(["upn": .string("ana")]), matchClaim: "upn", roleClaim: nil)
        #expect(notAnEmail.email == nil)
    }

    @Test func roleMapsParseInOrderAndRefuseUnknownRoles() throws {
        let mapping = try RoleMapping.parse("vr-admins=admin; security = reviewer ;buyers=procurement")
        #expect(mapping.entries.map(\.group) == ["vr-admins", "security", "buyers"])
        #expect(mapping.role(for: ["buyers", "security"]) == .reviewer)
        #expect(mapping.role(for: ["staff"]) == nil)
        #expect(throws: RoleMapping.Problem.unknownRole("root")) { try RoleMapping.parse("ops=root") }
        #expect(throws: RoleMapping.Problem.malformed("ops")) { try RoleMapping.parse("ops") }
    }

    let ana = User(id: .init(UUID()), email: "ana@northfield.example", name: "Ana", role: .reviewer, passwordHash: "x", createdAt: Date(timeIntervalSince1970: 0))

    func identity(email: String? = "ana@northfield.example", groups: [String] = []) -> ExternalIdentity {
        ExternalIdentity(subject: "u-1", email: email, name: "  Ana Lind ", groups: groups)
    }

    @Test func externalSignInDecisions() throws {
        let mapping = try RoleMapping.parse("vr-admins=admin;security=reviewer")
        #expect(ExternalSignIn.decide(identity(email: nil), existing: ana, mapping: nil, autoCreate: nil) == .refused(.noVerifiedEmail))
        #expect(ExternalSignIn.decide(identity(), existing: ana, mapping: nil, autoCreate: nil) == .existing(ana, role: nil))
        #expect(ExternalSignIn.decide(identity(groups: ["vr-admins"]), existing: ana, mapping: mapping, autoCreate: nil) == .existing(ana, role: .admin))
        #expect(ExternalSignIn.decide(identity(groups: ["security"]), existing: ana, mapping: mapping, autoCreate: nil) == .existing(ana, role: nil))
        #expect(ExternalSignIn.decide(identity(groups: ["staff"]), existing: ana, mapping: mapping, autoCreate: .reviewer) == .refused(.noRoleFromGroups))
        var inactive = ana
        inactive.isActive = false
        #expect(ExternalSignIn.decide(identity(), existing: inactive, mapping: nil, autoCreate: .reviewer) == .refused(.deactivated))
        #expect(ExternalSignIn.decide(identity(), existing: nil, mapping: nil, autoCreate: nil) == .refused(.unknownPerson))
        #expect(ExternalSignIn.decide(identity(), existing: nil, mapping: nil, autoCreate: .procurement) == .create(email: "ana@northfield.example", name: "Ana Lind", role: .procurement))
        #expect(ExternalSignIn.decide(identity(groups: ["vr-admins"]), existing: nil, mapping: mapping, autoCreate: .procurement) == .create(email: "ana@northfield.example", name: "Ana Lind", role: .admin))
        // A name the provider sends with a line break, an escape or a bidirectional override is not taken.
        for hostile in ["Ana\nLind", "Ana\u{1B}[2J", "Ana \u{202E}dniL", "   "] {
            let sent = ExternalIdentity(subject: "s", email: "ana@northfield.example", name: hostile, groups: [])
            #expect(ExternalSignIn.decide(sent, existing: nil, mapping: nil, autoCreate: .auditor) == .create(email: "ana@northfield.example", name: "ana@northfield.example", role: .auditor))
        }
        let long = ExternalIdentity(subject: "s", email: "ana@northfield.example", name: String(repeating: "é", count: 300), groups: [])
        #expect(ExternalSignIn.decide(long, existing: nil, mapping: nil, autoCreate: .auditor) == .create(email: "ana@northfield.example", name: String(repeating: "é", count: 120), role: .auditor))
    }

    @Test func localPasswordsCanBeKeptForBreakGlassAdminsOnly() {
        #expect(LocalPasswords.everyone.allows("anyone@x.example"))
        let only = LocalPasswords.only(["root@northfield.example"])
        #expect(only.allows("Root@Northfield.example"))
        #expect(!only.allows("ana@northfield.example"))
    }
}

@Suite("Trusted proxies and X-Forwarded-For")
struct TrustedProxyTests {
    @Test func blocksParseForBothFamilies() throws {
        let proxies = try TrustedProxies.parse("10.0.0.0/8, 192.168.1.7 ,2001:db8::/32, ::1")
        #expect(proxies.contains("10.200.3.4"))
        #expect(!proxies.contains("11.0.0.1"))
        #expect(proxies.contains("192.168.1.7"))
        #expect(!proxies.contains("192.168.1.8"))
        #expect(proxies.contains("2001:db8:ffff::1"))
        #expect(!proxies.contains("2001:db9::1"))
        #expect(proxies.contains("::1"))
        #expect(proxies.contains("::ffff:10.1.1.1"))
        #expect(!proxies.contains("not an address"))
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0", "300.1.1.1", "::1/129", "1::2::3", "fe80::+1", "proxy.example", "10.0.0.1/"])
    func malformedEntriesAreRefused(entry: String) {
        #expect(throws: TrustedProxies.Problem.notAnAddress(entry)) { try TrustedProxies.parse(entry) }
    }

    @Test func forwardedForIsBelievedOnlyFromATrustedPeerAndReadFromTheRight() throws {
        let proxies = try TrustedProxies.parse("127.0.0.1, 10.0.0.0/8")
        // An untrusted peer's header is ignored.
        #expect(proxies.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        // Through one proxy.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        // A client that wrote its own header: the proxy appended the real address at the right.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.1"]) == "198.51.100.1")
        // Through two trusted proxies, in two header lines.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 10.1.1.1", "10.2.2.2"]) == "198.51.100.1")
        // Garbage in the chain: the peer is all that can be known.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["x, 10.1.1.1"]) == "127.0.0.1")
        // Nothing forwarded.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1"]) == "127.0.0.1")
    }
}

@Suite("QR codes")
struct QRCodeTests {
    @Test func reedSolomonMatchesTheStandardsExample() {
        // ISO/IEC 18004's worked example: "01234567" at 1-M in numeric mode, data codewords then EC codewords.
        let data: [UInt8] = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(data, degree: 10) == [165, 36, 212, 193, 237, 54, 199, 135, 44, 85])
    }

    @Test func versionsGrowWithTheTextAndStopAtThirteen() throws {
        let short = try #require(QRCode(text: "hello"))
        #expect(short.version == 1)
        #expect(short.size == 21)
        let uri = TOTP.provisioningURI(secret: Array(repeating: 0xAB, count: 20), account: "someone.with.a.long.name@northfield-university.example", issuer: "Northfield University")
        let address = try #require(QRCode(text: uri))
        #expect(address.size == 17 + 4 * address.version)
        // 198 bytes: more than version 9 holds at level M (180), within version 10 (213).
        #expect(address.version == 10)
        // Byte-mode capacities at level M, from ISO/IEC 18004's table 7.
        let table = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331]
        #expect((1...13).map(QRCode.capacity) == table)
        #expect(QRCode(text: String(repeating: "x", count: 331)) != nil)
        #expect(QRCode(text: String(repeating: "x", count: 332)) == nil)
    }

    @Test func functionPatternsAreInPlace() throws {
        let code = try #require(QRCode(text: "otpauth://totp/x?secret=MZXW6YTBOI", forcedMask: 3))
        let m = code.modules, n = code.size
        // Finder patterns: the 7×7 ring and 3×3 centre in three corners, a light separator around each.
        for (top, left) in [(0, 0), (0, n - 7), (n - 7, 0)] {
            for i in 0..<7 {
                #expect(m[top][left + i] && m[top + 6][left + i] && m[top + i][left] && m[top + i][left + 6])
            }
            #expect(m[top + 3][left + 3])
            #expect(!m[top + 1][left + 1])
        }
        #expect(!m[7][0] && !m[0][7])
        // Timing patterns alternate along row 6 and column 6.
        for i in 8..<(n - 8) {
            #expect(m[6][i] == (i % 2 == 0))
            #expect(m[i][6] == (i % 2 == 0))
        }
        // The dark module beside the lower-left finder.
        #expect(m[n - 8][8])
        #expect(code.mask == 3)
    }

    @Test func theChosenMaskIsTheOneWithTheLowestPenalty() throws {
        let text = "otpauth://totp/VendorReview:ana@northfield.example?secret=MZXW6YTBOI"
        let chosen = try #require(QRCode(text: text))
        let codes = try (0..<8).map { try #require(QRCode(text: text, forcedMask: $0)) }
        #expect(Set(codes.map(\.modules)).count == 8)
        #expect(codes[chosen.mask] == chosen)
        let penalties = codes.map { QRCode.penalty($0.modules) }
        #expect(penalties[chosen.mask] == penalties.min())
    }
}
