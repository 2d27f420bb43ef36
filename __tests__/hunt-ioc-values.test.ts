import { isIPv4 as nodeIsIPv4, isIPv6 as nodeIsIPv6 } from 'node:net';
import fc from 'fast-check';
import { checkIocValue, checkPortableRegex, isEmailAddress, isHostName, isIpOrCidr, isIPv4, isIPv6 } from '../src/core/hunt/ioc-values.js';
import { IOC_MATCHES, IOC_TYPES } from '../src/core/model.js';
import { iocArb, iocValueArb } from './support/hunt-arbitraries.js';

const LONE_SURROGATE = (codePoint: string) =>
  `the value contains an unpaired UTF-16 surrogate (${codePoint}), which no log record can hold, so the rule could never match; write the character itself, or both halves of its escape (such as \\uD83D\\uDE00)`;

describe('IP addresses agree with node:net', () => {
  test('IPv4: generated addresses and near-misses', () => {
    const candidates = fc.oneof(
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.array(fc.oneof(fc.nat(300).map(String), fc.constantFrom('', '00', '01', '-1', 'a')), { minLength: 3, maxLength: 5 }).map((p) => p.join('.'))
    );
    fc.assert(
      fc.property(candidates, (s) => {
        expect(isIPv4(s)).toBe(nodeIsIPv4(s));
      }),
      { numRuns: 500 }
    );
  });

  test('IPv6: generated addresses and mutated ones (node:net zone ids excepted)', () => {
    const mutate = fc.tuple(fc.ipV6(), fc.nat(), fc.constantFrom('', ':', '::', 'g', '.', '1.2.3.4', '00000', ':0')).map(([ip, at, insert]) => {
      const i = at % (ip.length + 1);
      return ip.slice(0, i) + insert + ip.slice(i + (insert === '' ? 1 : 0));
    });
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), mutate), (s) => {
        fc.pre(!s.includes('%'));
        expect(isIPv6(s)).toBe(nodeIsIPv6(s));
      }),
      { numRuns: 1000 }
    );
  });

  test('known edge cases', () => {
    for (const ok of ['::', '::1', '1::', '1:2:3:4:5:6:7::', '::ffff:192.0.2.1', '2001:db8::', 'fe80::1:2']) expect([ok, isIPv6(ok)]).toEqual([ok, true]);
    for (const bad of ['1.2.3.4::', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', '[::1]', 'fe80::1%eth0', '::1.2.3']) expect([bad, isIPv6(bad)]).toEqual([bad, false]);
  });

  test('CIDR prefixes fit the address family', () => {
    expect(isIpOrCidr('198.51.100.0/24')).toBe(true);
    expect(isIpOrCidr('0.0.0.0/0')).toBe(true);
    expect(isIpOrCidr('2001:db8::/32')).toBe(true);
    expect(isIpOrCidr('2001:db8::/128')).toBe(true);
    expect(isIpOrCidr('198.51.100.0/33')).toBe(false);
    expect(isIpOrCidr('2001:db8::/129')).toBe(false);
    expect(isIpOrCidr('198.51.100.0/024')).toBe(false);
    expect(isIpOrCidr('198.51.100.0/')).toBe(false);
  });
});

describe('host names and e-mail addresses', () => {
  test('host names, internationalised ones included', () => {
    for (const ok of ['example.com', 'aitm-proxy.example.com', 'bücher.example', 'xn--bcher-kva.example', '例え.テスト', '_ldap._tcp.dc.example.org', 'fqdn.example.com.', 'wpad', 'a'.repeat(63) + '.example'])
      expect([ok, isHostName(ok)]).toEqual([ok, true]);
    for (const bad of ['', '-bad.example', 'bad-.example', 'a..b', '.example.com', 'a'.repeat(64) + '.example', 'x y.example', '*.example.com', 'host/path', `${'a.'.repeat(127)}ab`])
      expect([bad, isHostName(bad)]).toEqual([bad, false]);
  });

  test("fast-check's domains are host names", () => {
    fc.assert(
      fc.property(fc.domain(), (d) => {
        expect(isHostName(d)).toBe(true);
      }),
      { numRuns: 300 }
    );
  });

  test('e-mail addresses', () => {
    for (const ok of ['billing@invoices.example.net', "o'brien+tag@example.org", 'ünïcode@example.com']) expect([ok, isEmailAddress(ok)]).toEqual([ok, true]);
    for (const bad of ['no-at.example.com', '@example.com', 'a@localhost', 'a..b@example.com', '.a@example.com', 'Bob <bob@example.com>', 'a b@example.com'])
      expect([bad, isEmailAddress(bad)]).toEqual([bad, false]);
  });
});

describe('checkIocValue messages', () => {
  const cases: [Parameters<typeof checkIocValue>, string | undefined][] = [
    [['hash_md5', '24c9412f5bce94974d7d7c1f4b0ed29f'], undefined],
    [['hash_md5', '24C9412F5BCE94974D7D7C1F4B0ED29F'], undefined],
    [['hash_md5', '24c9412f5bce94974d7d7c1f4b0ed29'], 'a MD5 hash has 32 hex characters, this one has 31'],
    [['hash_md5', '7108e7d2342cb495a6a91364553c6e964999f3cd'], 'a MD5 hash has 32 hex characters, this one has 40 — that length is a SHA-1 hash: use type hash_sha1'],
    [['hash_sha1', '7108e7d2342cb495a6a91364553c6e964999f3cg'], "a SHA-1 hash is hexadecimal (0-9, a-f); 'g' at position 40 is not"],
    [['hash_sha256', '24c9412f5bce94974d7d7c1f4b0ed29f'], 'a SHA-256 hash has 64 hex characters, this one has 32 — that length is a MD5 hash: use type hash_md5'],
    [['hash_sha256', 'd9e04517f1ca6b4ff64a0cf01d6b59ed6e732c5a571c6688bb32c6d825d652d1', 'contains'], "hash_sha256 values match exactly: remove 'match: contains'"],
    [['ip', '203.0.113.47'], undefined],
    [['ip', '2001:db8::/48'], undefined],
    [['ip', '203.0.113.*'], "'203.0.113.*' is not an IP address; to match a range write a CIDR block such as 203.0.113.0/24"],
    [['ip', '203.0.113.0/33'], "'203.0.113.0/33' has an invalid CIDR prefix: use /0 to /32"],
    [['ip', '010.0.0.1'], "'010.0.0.1' is not an IPv4 address: each of the four numbers is 0-255, without leading zeros"],
    [['ip', 'aitm-proxy.example.com'], "'aitm-proxy.example.com' is a host name, not an IP address: use type domain"],
    [['ip', '[2001:db8::1]'], 'write the IPv6 address without brackets'],
    [['ip', '203.0.113.', 'startswith'], undefined],
    [['ip', '203.0.113.x', 'startswith'], "part of an IP address contains only hex digits, '.', ':' and '/' (got '203.0.113.x')"],
    [['network_port', 443], undefined],
    [['network_port', '8443'], undefined],
    [['network_port', 0], 'a network port is a whole number from 1 to 65535 (got 0)'],
    [['network_port', 65536], 'a network port is a whole number from 1 to 65535 (got 65536)'],
    [['network_port', 44.5], 'a network port is a whole number from 1 to 65535 (got 44.5)'],
    [['network_port', 'https'], "a network port is a whole number from 1 to 65535 (got 'https')"],
    [['network_port', '0443'], "a network port is a whole number from 1 to 65535 (got '0443')"],
    [['network_port', 443, 'regex'], "network_port values match exactly: remove 'match: regex'"],
    [['domain', '*.example.com'], "'*' is not a wildcard here; to match subdomains use match: endswith with a value such as '.example.com'"],
    [['domain', '.example.com', 'endswith'], undefined],
    [['domain', 'https://example.com/x'], "'https://example.com/x' looks like a URL, not a host name: use type url, or keep only the host name"],
    [['domain', 'bad@example.com'], "'bad@example.com' looks like an e-mail address: use type email_sender, or keep only the domain"],
    [['email_sender', 'Billing <billing@example.net>'], 'give only the address, without the display name and angle brackets'],
    [['email_sender', '@invoices.example.net', 'endswith'], undefined],
    [['url', 'https://cdn.example.org/dl/stage2.php?id=8812&os=win'], undefined],
    [['url', '/owa/auth/logon.aspx?replaceCurrent=1'], undefined],
    [['url', 'cdn.example.org/dl'], "a url is an absolute URL such as https://host/path or a path starting with '/'; add the scheme, or use type domain for a host name"],
    [['url', 'https://example.org/a b'], 'a URL contains no spaces (percent-encode a space as %20)'],
    [['url', 'https://[::1/x'], "'https://[::1/x' is not a valid absolute URL"],
    [['file_path', 'C:\\Users\\Public\\*.js'], undefined],
    [['command_line', 'powershell -enc\nSQBFAFgA'], "the value contains a line break; an IOC is a single line, so this is usually a paste error (a '|' block keeps line breaks: write the value on one line)"],
    [['command_line', 'cmd /c echo\u0007'], 'the value contains the control character U+0007; an IOC value is printable text'],
    [['command_line', 'cmd\t/c whoami'], undefined],
    [['process_name', 12345], "YAML read this value as the number 12345; put the process_name value in quotes so it stays text"],
    [['process_name', 'evil\u202Efdp.exe'], undefined],
    [['process_name', 'susp\uD800.exe'], LONE_SURROGATE('U+D800')],
    [['command_line', 'cmd \uDC00x', 'contains'], LONE_SURROGATE('U+DC00')],
    [['url', 'https://example.org/\uDBFF', 'startswith'], LONE_SURROGATE('U+DBFF')],
    [['domain', '\uDFFF.example.com'], LONE_SURROGATE('U+DFFF')],
    [['file_path', 'a\uDE00\uD83D'], LONE_SURROGATE('U+DE00')],
    [['process_name', 'evil\uD83D\uDE00.exe'], undefined]
  ];
  test.each(cases)('%j → %j', (args, expected) => {
    expect(checkIocValue(...args)).toBe(expected);
  });
});

describe('lone UTF-16 surrogates: no UTF-8 log can hold one, so a value with one is an error', () => {
  test('in a regex too, before its syntax is looked at', () => {
    expect(checkIocValue('command_line', 'evil[\uD800-\uDFFF]', 'regex')).toBe(LONE_SURROGATE('U+D800'));
    expect(checkIocValue('command_line', 'evil\uD83D\uDE00+', 'regex')).toBeUndefined();
  });

  const SURROGATE_CHECKED_TYPES = IOC_TYPES.filter((t) => t !== 'network_port');
  test('property: a lone surrogate anywhere in a value is named, whatever the type and match', () => {
    const printable = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '.', '/', '\\', ' ', '-', '\u00e9', '\u{1F600}'), maxLength: 8 });
    const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.constantFrom(...SURROGATE_CHECKED_TYPES), fc.constantFrom(...IOC_MATCHES), printable, lone, printable, (type, match, before, half, after) => {
        // A high half followed by a low one would be a pair, not a lone surrogate.
        fc.pre(!/^[\uDC00-\uDFFF]/.test(after) || !/[\uD800-\uDBFF]$/.test(half));
        const value = `${before}${half}${after}`.trim();
        fc.pre(value !== '' && /\p{Cs}/u.test(value));
        const problem = checkIocValue(type, value, match);
        if (match !== 'exact' && ['hash_md5', 'hash_sha1', 'hash_sha256'].includes(type)) return;
        expect(problem).toBe(LONE_SURROGATE(`U+${/\p{Cs}/u.exec(value)![0].charCodeAt(0).toString(16).toUpperCase()}`));
      }),
      { numRuns: 400 }
    );
  });
});

describe('portable regular expressions', () => {
  test.each([
    ['^[0-9a-f]{20,63}\\.t\\.example\\.net$', undefined],
    ['(?:evil|bad)\\.exe', undefined],
    ['(?<name>a)(?P<other>b)', undefined],
    ['\\bpowershell(\\.exe)?\\s+-e(nc)?\\b', undefined],
    ['\\p{L}+', undefined],
    ['a\\-b\\#c', undefined],
    ['(?<=x)y', 'lookbehind (?<= …) / (?<! …) is not supported (RE2, used by KQL, has none)'],
    ['x(?!y)', 'lookahead (?= …) / (?! …) is not supported (RE2, used by KQL, has none)'],
    ['(a)\\1', 'backreferences like \\1 are not supported (RE2, used by KQL, has none)'],
    ['(?<q>a)\\k<q>', 'named backreferences like \\k<name> are not supported (RE2, used by KQL, has none)'],
    ['(?i)evil', 'inline flags like (?i) are not needed: the generated queries already match case-insensitively'],
    ['(?>a+)b', 'atomic groups (?> …) are not supported (RE2, used by KQL, has none)'],
    ['[[:alpha:]]+', 'POSIX classes like [:alpha:] differ between regex engines; use ranges such as [a-z0-9]'],
    ['\\Aevil\\z', 'the escape \\A means different things in KQL, Splunk and Spark regexes; use a character class or \\d, \\w, \\s, \\b, \\xHH'],
    ['a{1001}', 'repetition counts above 1000 are rejected by RE2 (KQL)'],
    ['(unclosed', 'not a valid regular expression: Unterminated group'],
    ['*a', 'not a valid regular expression: Nothing to repeat'],
    ['abc\\', 'the regular expression ends with a lone backslash'],
    ['[\\1]', 'the escape \\1 means different things in KQL, Splunk and Spark regexes; use a character class or \\d, \\w, \\s, \\b, \\xHH']
  ])('%s', (pattern, expected) => {
    expect(checkPortableRegex(pattern)).toBe(expected);
  });
});

describe('the shared arbitraries produce values the checks accept', () => {
  test.each(IOC_TYPES)('%s', (type) => {
    fc.assert(
      fc.property(iocArb(type), (ioc) => {
        expect(checkIocValue(ioc.type, ioc.value, ioc.match)).toBeUndefined();
      }),
      { numRuns: 80 }
    );
    fc.assert(
      fc.property(iocValueArb(type), (value) => {
        expect(checkIocValue(type, value)).toBeUndefined();
      }),
      { numRuns: 40 }
    );
  });
});
