import fc from 'fast-check';
import { escapeSigmaLiteral, parseSigmaString, WILDCARD_MULTI, WILDCARD_SINGLE, type SigmaStringPart } from '../src/core/backends/sigma-string.js';

const show = (parts: SigmaStringPart[]) => parts.map((p) => (p === WILDCARD_MULTI ? '<*>' : p === WILDCARD_SINGLE ? '<?>' : `"${p}"`)).join(' ');

describe('parseSigmaString follows the specification', () => {
  // The specification's own examples ("Escape Character"), each written independently of the code.
  const cases: [string, string][] = [
    ['\\\\', '"\\"'],
    ['\\*', '"*"'],
    ['\\\\*', '"\\" <*>'],
    ['\\\\\\*', '"\\*"'],
    ['\\\\\\\\', '"\\\\"'],
    ['C:\\Windows\\System32\\whoami.exe', '"C:\\Windows\\System32\\whoami.exe"'],
    ['*\\cmd.exe', '<*> "\\cmd.exe"'],
    ['a?b*', '"a" <?> "b" <*>'],
    ['\\?', '"?"'],
    ['trailing\\', '"trailing\\"'],
    ['\\x\\', '"\\x\\"'],
    ['', '']
  ];
  test.each(cases)('%j reads as %s', (value, expected) => {
    expect(show(parseSigmaString(value))).toBe(expected);
  });
});

describe('escapeSigmaLiteral', () => {
  test.each([
    ['C:\\Windows\\System32\\whoami.exe', 'C:\\Windows\\System32\\whoami.exe'],
    ['50% off*', '50% off\\*'],
    ['who?', 'who\\?'],
    ['C:\\Temp\\*', 'C:\\Temp\\\\\\*'],
    ['\\\\server\\share', '\\\\\\server\\share'],
    ['end\\', 'end\\'],
    ['a\\?b', 'a\\\\\\?b']
  ])('%j is written %j', (literal, written) => {
    expect(escapeSigmaLiteral(literal)).toBe(written);
    expect(parseSigmaString(written)).toEqual([literal]);
  });

  test('a value written naively is not the literal: `C:\\Temp\\*` is an escaped star, and a doubled backslash before `*` is a wildcard', () => {
    expect(parseSigmaString('C:\\Temp\\*')).toEqual(['C:\\Temp*']);
    expect(parseSigmaString('C:\\Temp\\\\*')).toEqual(['C:\\Temp\\', WILDCARD_MULTI]);
  });

  const specialRuns = fc.array(fc.constantFrom('*', '?', '\\', '\\\\', '\\*', '*\\', 'a', 'é', '🦊', ' ', '\n'), { maxLength: 20 }).map((parts) => parts.join(''));

  test('property: any string, escaped, reads back as exactly that literal with no wildcard', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), specialRuns), (literal) => {
        const parts = parseSigmaString(escapeSigmaLiteral(literal));
        expect(parts).toEqual(literal === '' ? [] : [literal]);
      }),
      { numRuns: 1000 }
    );
  });

  test('property: escaping changes nothing but backslashes before specials and the wildcard characters', () => {
    fc.assert(
      fc.property(specialRuns, (literal) => {
        const written = escapeSigmaLiteral(literal);
        expect(written.replace(/\\([*?\\])/g, '$1')).toBe(literal);
      }),
      { numRuns: 500 }
    );
  });
});
