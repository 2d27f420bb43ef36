/**
 * fast-check arbitraries for hunt reports, shared by the property tests of every part.
 *
 * `validHuntReportArb()` yields reports exactly as `parseHuntReport` returns them (strings trimmed,
 * network ports as numbers), with IOC values full of the characters that break escaping: quotes,
 * backslashes, `*`, `?`, `%`, `_`, `|`, braces, tabs and non-ASCII text.
 */
import fc from 'fast-check';
import { bundledAttackCatalogue, type AttackCatalogue } from '../../src/core/attack.js';
import type { DataSource, Finding, HuntReport, Ioc } from '../../src/core/hunt/schema.js';
import {
  COVERAGE_LEVELS,
  DATA_SOURCE_TYPES,
  type DataSourceType,
  HUNT_TYPES,
  IOC_TYPES,
  type IocMatch,
  type IocType,
  PEAK_PHASES,
  SIGMA_LEVELS
} from '../../src/core/model.js';

/** Control characters (tab excepted) never appear in valid IOC values. */
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]/;

function trimmedNonEmpty(arb: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return arb.map((s) => s.trim()).filter((s) => s.length > 0 && !CONTROL.test(s));
}

/** Characters that every backend must escape or quote somewhere. */
export const TRICKY_CHARACTERS = ['\\', '"', "'", '`', '*', '?', '%', '_', '|', '$', '{', '}', '[', ']', '(', ')', ';', ',', '=', '#', '&', '<', '>', '/', ':', '\t', ' ', '-', '.', '@', '!', '^', '~', '+'];

const TRICKY_FRAGMENTS = ['C:\\Windows\\System32\\', '\\\\server\\share', '"quoted arg"', "it's", '%TEMP%', 'a_b', '*', '**', '?', '\\*', '${IFS}', '|', "' or '1'='1", '"; drop table x; --', 'ü', 'Ω', '日本', '🦊', '\u202E', '\u00A0x'];

/** Free text heavy in characters that need escaping; trimmed, non-empty, no control characters except inner tabs. */
export const trickyTextArb: fc.Arbitrary<string> = trimmedNonEmpty(
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...TRICKY_CHARACTERS) },
        { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }) },
        { weight: 2, arbitrary: fc.constantFrom(...TRICKY_FRAGMENTS) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) }
      ),
      { minLength: 1, maxLength: 12 }
    )
    .map((parts) => parts.join(''))
);

/** Plain-ish prose for names, descriptions and verdicts. */
export const proseArb: fc.Arbitrary<string> = trimmedNonEmpty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }));

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });

const ipv4Cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);
const ipv6Cidr = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`);
const idnDomain = fc.constantFrom('bücher.example', 'xn--bcher-kva.example', 'пример.example', '例え.テスト', '_ldap._tcp.dc.example.org', 'fqdn.example.com.');
const urlPath = fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)).filter((p) => !/\s/.test(p));

/** Values that pass the checks of `type` with an exact match. Ports are numbers, as the parser returns them. */
export function iocValueArb(type: IocType): fc.Arbitrary<string | number> {
  switch (type) {
    case 'hash_md5':
      return hex(32);
    case 'hash_sha1':
      return hex(40);
    case 'hash_sha256':
      return hex(64);
    case 'ip':
      return fc.oneof(fc.ipV4(), fc.ipV6(), ipv4Cidr, ipv6Cidr);
    case 'network_port':
      return fc.integer({ min: 1, max: 65535 });
    case 'domain':
      return fc.oneof({ weight: 4, arbitrary: fc.domain() }, { weight: 1, arbitrary: idnDomain });
    case 'url':
      return fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), urlPath);
    case 'email_sender':
      return fc.emailAddress();
    default:
      return trickyTextArb;
  }
}

const EXACT_ONLY: readonly IocType[] = ['hash_md5', 'hash_sha1', 'hash_sha256', 'network_port'];
/** Types whose partial matches must still look like part of an address. */
const STRUCTURED: readonly IocType[] = ['ip', 'domain', 'email_sender', 'url'];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** One valid IOC of `type`, with an optional `match`. */
export function iocArb(type: IocType): fc.Arbitrary<Ioc> {
  const exact = iocValueArb(type).chain((value) =>
    EXACT_ONLY.includes(type) ? fc.constant<Ioc>({ type, value }) : fc.constantFrom<Ioc>({ type, value }, { type, value, match: 'exact' })
  );
  if (EXACT_ONLY.includes(type)) return exact;
  const partialValue = STRUCTURED.includes(type) ? iocValueArb(type).map(String) : trickyTextArb;
  const partial = fc
    .tuple(partialValue, fc.constantFrom<IocMatch>('contains', 'startswith', 'endswith'))
    .map(([value, match]): Ioc => ({ type, value, match }));
  const regex = trickyTextArb.map((text): Ioc => ({ type, value: `^${escapeRegex(text)}$`, match: 'regex' }));
  return fc.oneof({ weight: 4, arbitrary: exact }, { weight: 2, arbitrary: partial }, { weight: 1, arbitrary: regex });
}

const dateArb = fc
  .tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

const huntIdArb = fc
  .tuple(fc.constantFrom('H', 'B', 'M'), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/))
  .map(([prefix, rest]) => `${prefix}-${rest}`);

export interface HuntReportArbOptions {
  /** The IOC types a finding on a data source of this type may use (default: all 15). */
  iocTypesFor?: (dataSourceType: DataSourceType) => readonly IocType[];
  /** Data-source types to draw from (default: all 8). */
  dataSourceTypes?: readonly DataSourceType[];
  catalogue?: AttackCatalogue;
  maxFindings?: number;
}

function findingArb(dataSources: DataSource[], options: HuntReportArbOptions, catalogue: AttackCatalogue): fc.Arbitrary<Finding> {
  const usable = dataSources.filter((ds) => (options.iocTypesFor?.(ds.type) ?? IOC_TYPES).length > 0);
  const techniques = catalogue.techniques.filter((t) => !t.deprecated && !t.revoked && t.tactics.length > 0);
  return fc.record({ ds: fc.constantFrom(...usable), technique: fc.constantFrom(...techniques) }).chain(({ ds, technique }) => {
    const iocTypes = options.iocTypesFor?.(ds.type) ?? IOC_TYPES;
    const parent = technique.id.includes('.') ? catalogue.technique(technique.id.split('.')[0]!) : undefined;
    const names = [technique.name, ...(parent ? [`${parent.name}: ${technique.name}`] : [])];
    const tacticForms = technique.tactics.flatMap((s) => {
      const tactic = catalogue.tactic(s)!;
      return [tactic.name, tactic.shortname];
    });
    return fc.record(
      {
        tactic: fc.constantFrom(...tacticForms),
        technique: fc.constant(technique.id),
        technique_name: fc.constantFrom(...names),
        confirmed: fc.boolean(),
        description: proseArb,
        data_source_ref: fc.constant(ds.name),
        iocs: fc.array(fc.constantFrom(...iocTypes).chain(iocArb), { minLength: 1, maxLength: 5 }),
        falsepositives: fc.array(proseArb, { minLength: 1, maxLength: 3 }),
        level: fc.constantFrom(...SIGMA_LEVELS)
      },
      { requiredKeys: ['tactic', 'technique', 'confirmed', 'description', 'data_source_ref', 'iocs'] }
    );
  });
}

/** Reports that `parseHuntReport` accepts with no errors, in the form it returns them. */
export function validHuntReportArb(options: HuntReportArbOptions = {}): fc.Arbitrary<HuntReport> {
  const catalogue = options.catalogue ?? bundledAttackCatalogue();
  const types = options.dataSourceTypes ?? DATA_SOURCE_TYPES;
  const dataSourceArb = fc.record(
    { name: proseArb, type: fc.constantFrom(...types), coverage: fc.constantFrom(...COVERAGE_LEVELS) },
    { requiredKeys: ['name', 'type'] }
  );
  const dataSourcesArb = fc
    .uniqueArray(dataSourceArb, { minLength: 1, maxLength: 4, selector: (ds) => ds.name })
    .filter((list) => list.some((ds) => (options.iocTypesFor?.(ds.type) ?? IOC_TYPES).length > 0));
  const hunt = fc.record(
    {
      id: huntIdArb,
      name: proseArb,
      hypothesis: proseArb,
      analyst: proseArb,
      date: dateArb,
      peak_phase: fc.constantFrom(...PEAK_PHASES),
      hunt_type: fc.constantFrom(...HUNT_TYPES),
      references: fc.array(fc.webUrl(), { minLength: 1, maxLength: 2 })
    },
    { requiredKeys: ['name', 'hypothesis', 'analyst', 'date', 'peak_phase'] }
  );
  return fc.record({ hunt, data_sources: dataSourcesArb }).chain(({ hunt: meta, data_sources }) =>
    fc.array(findingArb(data_sources, options, catalogue), { minLength: 0, maxLength: options.maxFindings ?? 3 }).chain((findings) =>
      (findings.length === 0 ? proseArb.map((p) => `No malicious activity found. ${p}`) : proseArb).map(
        (verdict): HuntReport => ({ hunt: meta, data_sources, findings, verdict })
      )
    )
  );
}

/** Text that looks a bit like YAML: indentation, colons, dashes, quotes, brackets, anchors, tags. */
export const yamlishTextArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom('\n', '  ', '- ', ': ', ':', '"', "'", '[', ']', '{', '}', ',', '#', '&a ', '*a', '!!str ', '|', '>', '---', '...', '\t', '? ', '%YAML 1.2', '\\'),
      fc.constantFrom('hunt', 'findings', 'iocs', 'data_sources', 'verdict', 'type', 'value', 'name', 'T1557.001'),
      fc.string({ unit: 'grapheme', maxLength: 6 })
    ),
    { maxLength: 60 }
  )
  .map((parts) => parts.join(''));
