import { parseFormats, parseKqlFlavor, parseLookbackDays, parseStatusMap } from '../src/shell/options.js';

describe('option strings shared by the CLI and the action', () => {
  test('formats: any order and case, deduplicated, canonical order; "all"', () => {
    expect(parseFormats('navigator, KQL,sigma,kql')).toEqual({ ok: true, value: ['sigma', 'kql', 'navigator'] });
    expect(parseFormats('all')).toEqual({ ok: true, value: ['sigma', 'kql', 'spl', 'sql', 'navigator'] });
    expect(parseFormats('sigma,yara')).toEqual({ ok: false, message: 'unknown format "yara": choose from sigma, kql, spl, sql, navigator (or "all")' });
    expect(parseFormats(' , ')).toMatchObject({ ok: false });
    expect(parseFormats('sigma,all')).toMatchObject({ ok: false });
  });

  test('status map: partial maps keep the defaults for the other phases', () => {
    expect(parseStatusMap('Scoped=experimental')).toEqual({ ok: true, value: { Validated: 'stable', Scoped: 'experimental', Unscoped: 'experimental' } });
    expect(parseStatusMap('validated=TEST, unscoped:experimental')).toEqual({ ok: true, value: { Validated: 'test', Scoped: 'test', Unscoped: 'experimental' } });
    expect(parseStatusMap('Scoped=production')).toEqual({ ok: false, message: 'unknown Sigma status "production" for Scoped: choose from experimental, test, stable' });
    expect(parseStatusMap('Hunting=stable')).toMatchObject({ ok: false, message: expect.stringContaining('unknown PEAK phase "Hunting"') });
    expect(parseStatusMap('Scoped=test,scoped=stable')).toMatchObject({ ok: false, message: expect.stringContaining('twice') });
    expect(parseStatusMap('Scoped')).toMatchObject({ ok: false, message: expect.stringContaining('Phase=status') });
  });

  test('KQL flavour', () => {
    expect(parseKqlFlavor('Sentinel')).toEqual({ ok: true, value: 'sentinel' });
    expect(parseKqlFlavor('splunk')).toEqual({ ok: false, message: 'unknown KQL flavour "splunk": choose from xdr, sentinel' });
  });

  test('lookback days: whole days from 1 to 3650', () => {
    expect(parseLookbackDays(' 14 ')).toEqual({ ok: true, value: 14 });
    for (const bad of ['0', '3651', '7d', '1.5', '-1', '', '1e3']) expect(parseLookbackDays(bad)).toMatchObject({ ok: false });
  });
});
