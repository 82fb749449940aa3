import CyclesProtocol

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server's webhook URL rules (`WebhookSecurityConfig`) applied to one URL: scheme, allowed patterns and
/// blocked address ranges.
///
/// At create and update the host is checked when it is an IP literal or a `localhost` name. A DNS name is not
/// resolved there: the resolution that matters is the one at delivery time (a name can point elsewhere later, so
/// checking it once at create would not stop DNS rebinding), and resolving in the request path would make
/// provisioning depend on the resolver.
struct WebhookURLPolicy {
    let config: WebhookSecurityConfig

    /// Resolves a DNS name to its addresses (4 or 16 bytes each); `nil` when it does not resolve.
    typealias Resolver = @Sendable (String) -> [[UInt8]]?

    /// How delivery resolves DNS names: the system resolver, or a stand-in a test injects.
    var resolver: Resolver = WebhookURLPolicy.systemResolve

    /// A parsed CIDR range.
    struct AddressRange: Equatable {
        var network: [UInt8]
        var prefixLength: Int

        /// `a.b.c.d/n` or an IPv6 range; `nil` when malformed.
        init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let bytes = WebhookURLPolicy.address(String(parts[0])),
                let length = Int(parts[1]), (0...(bytes.count * 8)).contains(length)
            else { return nil }
            network = bytes
            prefixLength = length
        }

        /// Whether `address` (4 or 16 bytes) lies in the range. IPv4-mapped IPv6 addresses count as IPv4.
        func contains(_ address: [UInt8]) -> Bool {
            var address = address
            if address.count == 16, address.prefix(10).allSatisfy({ $0 == 0 }), address[10] == 0xff, address[11] == 0xff {
                address = Array(address.suffix(4))
            }
            guard address.count == network.count else { return false }
            var remaining = prefixLength
            for (have, want) in zip(address, network) where remaining > 0 {
                let bits = min(remaining, 8)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
                if have & mask != want & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// The bytes of an IPv4 or IPv6 literal, `nil` for anything else.
    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// Checks a security config itself (PUT): every range must parse. Returns the config with the spec's defaults
    /// for omitted fields.
    static func normalized(_ config: WebhookSecurityConfig) throws(LedgerError) -> WebhookSecurityConfig {
        let ranges = config.blockedCIDRRanges ?? WebhookSecurityConfig.defaults.blockedCIDRRanges ?? []
        for (index, range) in ranges.enumerated() where AddressRange(range) == nil {
            throw .invalid("blocked_cidr_ranges[\(index)]: '\(range)' is not a CIDR range")
        }
        let patterns = config.allowedURLPatterns ?? []
        for (index, pattern) in patterns.enumerated() where pattern.isEmpty {
            throw .invalid("allowed_url_patterns[\(index)]: must not be empty")
        }
        return WebhookSecurityConfig(
            blockedCIDRRanges: ranges, allowedURLPatterns: patterns, allowHTTP: config.allowHTTP ?? false)
    }

    /// 400 `WEBHOOK_URL_INVALID` naming `url` unless the URL passes every rule.
    func validate(_ text: String) throws(LedgerError) {
        func invalid(_ why: String) -> LedgerError {
            LedgerError(.webhookURLInvalid, "url: \(why)", httpStatus: 400)
        }
        guard !text.isEmpty, text.utf8.count <= 2048 else { throw invalid("must be 1-2048 characters") }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw invalid("must be an absolute http(s) URL") }
        switch scheme {
        case "https": break
        case "http" where config.allowHTTP == true: break
        case "http": throw invalid("must use https (the webhook security config does not allow http)")
        default: throw invalid("must use https")
        }
        let patterns = config.allowedURLPatterns ?? []
        if !patterns.isEmpty, !patterns.contains(where: { Self.glob($0, matches: text) }) {
            throw invalid("does not match any allowed_url_patterns")
        }
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let lowered = bareHost.lowercased()
        var addresses: [[UInt8]] = []
        if let literal = Self.address(bareHost) {
            addresses = [literal]
        } else if lowered == "localhost" || lowered.hasSuffix(".localhost") {
            addresses = [[127, 0, 0, 1], Array(repeating: 0, count: 15) + [1]]
        }
        let ranges = (config.blockedCIDRRanges ?? []).compactMap(AddressRange.init)
        for address in addresses {
            if ranges.contains(where: { $0.contains(address) }) {
                throw invalid("host \(bareHost) is in a blocked address range")
            }
        }
    }

    /// At delivery: a DNS name's resolved addresses against the blocked ranges (literal and `localhost` hosts were
    /// checked by `validate`). 400-style error naming `url` when one is blocked or the name does not resolve.
    ///
    /// Returns the address to connect to (an IP literal), or `nil` when the host needs no pinning (a literal or
    /// `localhost`). Why pin: an HTTP client that resolved the name again could get another answer from a
    /// rebinding DNS server (a public address for this check, a private one for the connection), which is exactly
    /// what the blocked ranges exist to stop.
    func validateResolvedAddresses(of text: String) throws(LedgerError) -> String? {
        guard let host = URLComponents(string: text)?.host else { return nil }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let lowered = bare.lowercased()
        guard Self.address(bare) == nil, lowered != "localhost", !lowered.hasSuffix(".localhost") else { return nil }
        guard let addresses = resolver(bare), let first = addresses.first else {
            throw LedgerError(.webhookURLInvalid, "url: host \(bare) does not resolve", httpStatus: 400)
        }
        let ranges = (config.blockedCIDRRanges ?? []).compactMap(AddressRange.init)
        // Every address must pass, not only the one connected to: a client may fall back to the others.
        for address in addresses where ranges.contains(where: { $0.contains(address) }) {
            throw LedgerError(
                .webhookURLInvalid, "url: host \(bare) resolves to a blocked address range", httpStatus: 400)
        }
        return Self.literal(first)
    }

    /// The text form of a 4- or 16-byte address (`inet_ntop`); `nil` for any other length.
    static func literal(_ address: [UInt8]) -> String? {
        let family: Int32
        switch address.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = address.withUnsafeBytes { bytes in
            inet_ntop(family, bytes.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The system resolver (`getaddrinfo`, stream sockets): every IPv4 and IPv6 address of `host`.
    static let systemResolve: Resolver = { host in
        var hints = addrinfo()
        #if os(Linux)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if info.pointee.ai_family == AF_INET, let address = info.pointee.ai_addr {
                addresses.append(
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin_addr
                        return withUnsafeBytes(of: &value) { Array($0) }
                    })
            } else if info.pointee.ai_family == AF_INET6, let address = info.pointee.ai_addr {
                addresses.append(
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin6_addr
                        return withUnsafeBytes(of: &value) { Array($0) }
                    })
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// `*` matches any run of characters (including none); everything else matches itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]), text.dropFirst(parts[0].count).hasSuffix(parts[parts.count - 1]) else {
            return false
        }
        var rest = Substring(text.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count))
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let found = rest.range(of: middle) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }

    /// The config `--mock` starts with until an operator PUTs one: the spec's blocked ranges without loopback, and
    /// HTTP allowed, so offline development and tests can deliver to `http://127.0.0.1:<port>`.
    static let development = WebhookSecurityConfig(
        blockedCIDRRanges: (WebhookSecurityConfig.defaults.blockedCIDRRanges ?? []).filter {
            $0 != "127.0.0.0/8" && $0 != "::1/128"
        }, allowedURLPatterns: [], allowHTTP: true)
}
