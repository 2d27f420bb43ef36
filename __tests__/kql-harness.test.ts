/**
 * The validator must be able to fail: before trusting "zero errors" from the Kusto language
 * service, prove that it reports unknown columns, unknown tables and syntax errors against our
 * schemas, and that its decoding of string literals agrees with the documented examples.
 */
import { describe, expect, test } from '@jest/globals';
import { evaluateKqlCondition, kqlDiagnostics, kqlErrors, kqlStringLiteralValues } from './support/kusto.js';

describe('Kusto language service harness', () => {
  test('a valid query over the XDR schemas has no diagnostics', () => {
    expect(kqlDiagnostics('DeviceProcessEvents | where Timestamp > ago(7d) | where FileName =~ "a.exe" | project Timestamp, FileName', 'xdr')).toEqual([]);
  });

  test('an unknown column is KS142', () => {
    const errors = kqlErrors('DeviceProcessEvents | where Timestamp > ago(7d) | where CertificateIssuerName =~ "x"', 'xdr');
    expect(errors.map((e) => e.code)).toEqual(['KS142']);
    expect(errors[0]!.message).toContain('CertificateIssuerName');
  });

  test('an unknown table is KS204', () => {
    expect(kqlErrors('ProcessEventsThatDoNotExist | take 1', 'xdr').map((e) => e.code)).toEqual(['KS204']);
  });

  test('a syntax error is an error', () => {
    expect(kqlErrors('DeviceProcessEvents | where (FileName =~ "a"', 'xdr').length).toBeGreaterThan(0);
    expect(kqlErrors('DeviceProcessEvents | where FileName =~ "a\\q"', 'xdr').length).toBeGreaterThan(0);
    expect(kqlErrors('DeviceProcessEvents | where FileName =~ "a\nb"', 'xdr').length).toBeGreaterThan(0);
  });

  test('flavours differ: Sentinel tables have TimeGenerated, advanced hunting tables Timestamp', () => {
    expect(kqlErrors('DeviceProcessEvents | where TimeGenerated > ago(1d)', 'sentinel')).toEqual([]);
    expect(kqlErrors('DeviceProcessEvents | where TimeGenerated > ago(1d)', 'xdr').map((e) => e.code)).toEqual(['KS142']);
    expect(kqlErrors('SigninLogs | where Timestamp > ago(1d)', 'sentinel').map((e) => e.code)).toEqual(['KS142']);
    expect(kqlErrors('AADSignInEventsBeta | take 1', 'sentinel').map((e) => e.code)).toEqual(['KS204']);
  });

  test('an unknown function and an operator on the wrong type are errors', () => {
    expect(kqlErrors('DeviceNetworkEvents | where ipv9_is_in_range(RemoteIP, "::/0")', 'xdr').map((e) => e.code)).toEqual(['KS211']);
    expect(kqlErrors('DeviceNetworkEvents | where RemotePort =~ 443', 'xdr').map((e) => e.code)).toEqual(['KS106']);
  });

  // Examples from the Kusto docs ("The string data type": string literals, verbatim literals).
  test.each([
    ['"this is a \\"string\\" literal in double \\" quotes"', 'this is a "string" literal in double " quotes'],
    ["'this is a \\'string\\' literal in single \\' quotes'", "this is a 'string' literal in single ' quotes"],
    ['"another string literal with an embedded \' single quote"', "another string literal with an embedded ' single quote"],
    ['@"C:\\backslash\\not\\escaped\\with @ prefix"', 'C:\\backslash\\not\\escaped\\with @ prefix'],
    ['"line\\none\\ttab\\\\slash"', 'line\none\ttab\\slash'],
    ['@"doubled "" quote"', 'doubled " quote']
  ])('the service decodes %s as the docs say', (literal, value) => {
    expect(kqlStringLiteralValues(`print x = ${literal}`, 'xdr')).toEqual([value]);
  });

  test('the condition evaluator follows the parser: and binds tighter than or', () => {
    const query = 'DeviceProcessEvents | where Timestamp > ago(1d) | where FileName =~ "a" or FileName =~ "b" and FolderPath contains "c"';
    const only = (value: string) => (leaf: { value: string | number }) => leaf.value === value;
    expect(evaluateKqlCondition(query, 'xdr', only('a'))).toBe(true);
    expect(evaluateKqlCondition(query, 'xdr', only('b'))).toBe(false);
  });

  test('the condition evaluator rejects operators the renderer must not use', () => {
    const query = 'DeviceProcessEvents | where Timestamp > ago(1d) | where FileName has "a"';
    expect(() => evaluateKqlCondition(query, 'xdr', () => true)).toThrow(/HasExpression/);
  });
});
