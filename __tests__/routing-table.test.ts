/**
 * The hard rule of the routing table: every target field exists in the target schema. This walks
 * every (IOC type × data-source type) cell and every log source and checks each name against the
 * real schemas: KQL columns per flavour, Sigma taxonomy fields, the security-lake SQL tables, and
 * the CIM datasets.
 */
import xdrSchemas from './data/kql-schemas-defender-xdr.json' with { type: 'json' };
import sentinelSchemas from './data/kql-schemas-sentinel.json' with { type: 'json' };
import taxonomy from './data/sigma-taxonomy-fields.json' with { type: 'json' };
import { DATA_SOURCE_TYPES, IOC_TYPES, KQL_FLAVORS, type KqlFlavor, type SigmaLogsource } from '../src/core/model.js';
import { buildRoutingTable, bundledRoutingTable, describeIocRoute, type FieldSpec, sqlTables } from '../src/core/routing/table.js';
import routingData from '../src/core/data/routing.json' with { type: 'json' };

type KqlSchemas = Record<string, { name: string; type: string }[]>;
const kqlSchemas: Record<KqlFlavor, KqlSchemas> = { xdr: xdrSchemas as KqlSchemas, sentinel: sentinelSchemas as KqlSchemas };
const table = bundledRoutingTable();

type TaxonomyNode = { common?: string[]; category?: Record<string, string[]>; service?: Record<string, string[]> };
const legit = (taxonomy as { legit: Record<string, TaxonomyNode> }).legit;
const addon = (taxonomy as { addon: Record<string, TaxonomyNode> }).addon;

/**
 * The taxonomy's field list for a logsource: `fields` when the taxonomy defines fields for it, `[]`
 * when it knows the logsource but lists no fields, undefined when it does not know it at all.
 */
function taxonomyFields(ls: SigmaLogsource): string[] | undefined {
  const product = legit[ls.product ?? 'empty'];
  if (!product) return undefined;
  const list = ls.category ? product.category?.[ls.category] : ls.service ? product.service?.[ls.service] : undefined;
  if (!list) return undefined;
  const extra = ls.category ? (addon[ls.product ?? 'empty']?.category?.[ls.category] ?? []) : [];
  return list.length === 0 ? [] : [...list, ...extra, ...(product.common ?? [])];
}

function columnsOf(flavor: KqlFlavor, tableName: string): string[] | undefined {
  return kqlSchemas[flavor][tableName]?.map((c) => c.name);
}

const cells = IOC_TYPES.flatMap((iocType) => DATA_SOURCE_TYPES.map((dsType) => [iocType, dsType] as const));

describe('routing table: every cell routes somewhere real', () => {
  test('all 15 IOC types × 8 data-source types have a route to a defined log source with a target for that IOC', () => {
    expect(IOC_TYPES).toHaveLength(15);
    expect(cells).toHaveLength(120);
    for (const [iocType, dsType] of cells) {
      const route = table.routes[iocType][dsType];
      expect(route).not.toBeNull();
      expect(table.logsources[route!.logsourceKey]).toBeDefined();
      expect(route!.target.sigma.fields.length).toBeGreaterThan(0);
      expect(route!.target.spl.fields.length).toBeGreaterThan(0);
      expect(route!.target.sql.fields.length).toBeGreaterThan(0);
    }
  });

  test('routing data names only IOC types, data-source types and log sources that exist', () => {
    const iocs = routingData.iocs as Record<string, { natural: string; native: Record<string, string>; targets: Record<string, unknown> }>;
    expect(Object.keys(iocs).sort()).toEqual([...IOC_TYPES].sort());
    for (const [iocType, entry] of Object.entries(iocs)) {
      expect(table.logsources[entry.natural]).toBeDefined();
      for (const [dsType, key] of Object.entries(entry.native)) {
        expect(DATA_SOURCE_TYPES).toContain(dsType);
        expect(entry.targets[key]).toBeDefined();
      }
      for (const key of Object.keys(entry.targets)) expect({ iocType, key, known: !!table.logsources[key] }).toEqual({ iocType, key, known: true });
    }
  });

  test('a broken routing file is refused when it is loaded, not when a hunt hits the bad cell', () => {
    const broken = structuredClone(routingData) as unknown as Parameters<typeof buildRoutingTable>[0];
    (broken.iocs as Record<string, { native: Record<string, string> }>)['ip']!.native['dns'] = 'no_such_logsource';
    expect(() => buildRoutingTable(broken)).toThrow(/no_such_logsource/);
    const badTransform = structuredClone(routingData) as unknown as Parameters<typeof buildRoutingTable>[0];
    (badTransform.iocs as Record<string, { targets: Record<string, { sigma: unknown }> }>)['process_name']!.targets['process_creation']!.sigma = { field: 'Image', transform: 'upper' };
    expect(() => buildRoutingTable(badTransform)).toThrow(/transform/);
  });
});

describe('KQL: every table, time column, projection column and match column exists in that flavour', () => {
  for (const flavor of KQL_FLAVORS) {
    test(`${flavor}: log source tables, time columns and projections`, () => {
      for (const ls of Object.values(table.logsources)) {
        const target = ls.kql[flavor];
        if (!target) continue;
        const columns = columnsOf(flavor, target.table);
        expect({ logsource: ls.key, table: target.table, known: !!columns }).toEqual({ logsource: ls.key, table: target.table, known: true });
        for (const column of [target.timeField, ...target.projection]) {
          expect({ logsource: ls.key, table: target.table, column, exists: columns!.includes(column) }).toEqual({
            logsource: ls.key,
            table: target.table,
            column,
            exists: true
          });
        }
        expect(kqlSchemas[flavor][target.table]!.find((c) => c.name === target.timeField)!.type).toBe('datetime');
        expect(new Set(target.projection).size).toBe(target.projection.length);
      }
    });

    test(`${flavor}: every IOC column exists in its log source's table, and a table always has a column for each IOC routed into it`, () => {
      for (const [iocType, dsType] of cells) {
        const route = table.routes[iocType][dsType]!;
        const target = table.logsources[route.logsourceKey]!.kql[flavor];
        const spec = route.target.kql[flavor];
        if (!target) {
          expect({ iocType, dsType, column: spec }).toEqual({ iocType, dsType, column: null });
          continue;
        }
        expect({ iocType, dsType, hasColumn: !!spec }).toEqual({ iocType, dsType, hasColumn: true });
        const columns = columnsOf(flavor, target.table)!;
        for (const field of spec!.fields) expect({ iocType, dsType, table: target.table, field, exists: columns.includes(field) }).toEqual({ iocType, dsType, table: target.table, field, exists: true });
      }
    });
  }

  test('numeric IOCs land in numeric columns, text IOCs in string columns', () => {
    for (const flavor of KQL_FLAVORS) {
      for (const [iocType, dsType] of cells) {
        const route = table.routes[iocType][dsType]!;
        const target = table.logsources[route.logsourceKey]!.kql[flavor];
        if (!target) continue;
        for (const field of route.target.kql[flavor]!.fields) {
          const type = kqlSchemas[flavor][target.table]!.find((c) => c.name === field)!.type;
          expect({ iocType, field, type: iocType === 'network_port' ? ['int', 'long'].includes(type) : type === 'string' }).toEqual({ iocType, field, type: true });
        }
      }
    }
  });

  test("the routing file's column lists are exact copies of the shared schemas", () => {
    for (const flavor of KQL_FLAVORS) {
      const copy = table.kqlColumns[flavor];
      expect(Object.keys(copy).sort()).toEqual(Object.keys(kqlSchemas[flavor]).sort());
      for (const [name, columns] of Object.entries(kqlSchemas[flavor])) expect(copy[name]).toEqual(columns.map((c) => c.name));
    }
  });

  test('Sentinel has no table for certificates or cloud audit logs; every other log source has one in both flavours', () => {
    const missing = Object.values(table.logsources)
      .filter((ls) => !ls.kql.sentinel)
      .map((ls) => ls.key)
      .sort();
    expect(missing).toEqual(['certificate', 'cloud_audit']);
    expect(Object.values(table.logsources).every((ls) => ls.kql.xdr)).toBe(true);
  });
});

describe('Sigma: logsources are established, fields exist where the taxonomy lists them', () => {
  test('every logsource is in the SigmaHQ taxonomy, and every field is one of its fields when it lists any', () => {
    let checkedFields = 0;
    for (const ls of Object.values(table.logsources)) {
      const fields = taxonomyFields(ls.sigma);
      expect({ logsource: ls.key, sigma: ls.sigma, inTaxonomy: fields !== undefined }).toEqual({ logsource: ls.key, sigma: ls.sigma, inTaxonomy: true });
      if (!fields || fields.length === 0) continue;
      for (const [iocType, dsType] of cells) {
        const route = table.routes[iocType][dsType]!;
        if (route.logsourceKey !== ls.key) continue;
        for (const field of route.target.sigma.fields) {
          checkedFields++;
          expect({ logsource: ls.key, iocType, field, exists: fields.includes(field) }).toEqual({ logsource: ls.key, iocType, field, exists: true });
        }
      }
    }
    expect(checkedFields).toBeGreaterThan(30);
  });

  test('the taxonomy check can fail: a made-up field or logsource is caught', () => {
    expect(taxonomyFields({ category: 'process_creation', product: 'windows' })).not.toContain('CertificateIssuer');
    expect(taxonomyFields({ category: 'certificate', product: 'windows' })).toBeUndefined();
    expect(taxonomyFields({ product: 'azure', service: 'signinlogs' })).toEqual([]);
  });
});

describe('SQL: the security-lake schema is data, and every column used exists in it', () => {
  const schemas = sqlTables(table);

  test('tables are security.* with snake_case columns, an event_time TIMESTAMP, and known types', () => {
    for (const [name, columns] of Object.entries(schemas)) {
      expect(name).toMatch(/^security\.[a-z][a-z0-9_]*$/);
      expect(columns['event_time']).toBe('TIMESTAMP');
      for (const [column, type] of Object.entries(columns)) {
        expect(column).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(['STRING', 'INT', 'BIGINT', 'TIMESTAMP']).toContain(type);
      }
    }
  });

  test('every log source table, time column, projection column and IOC column exists', () => {
    for (const ls of Object.values(table.logsources)) {
      const columns = schemas[ls.sql.table];
      expect({ logsource: ls.key, table: ls.sql.table, known: !!columns }).toEqual({ logsource: ls.key, table: ls.sql.table, known: true });
      expect(columns![ls.sql.timeField]).toBe('TIMESTAMP');
      for (const column of ls.sql.projection) expect({ table: ls.sql.table, column, exists: column in columns! }).toEqual({ table: ls.sql.table, column, exists: true });
    }
    for (const [iocType, dsType] of cells) {
      const route = table.routes[iocType][dsType]!;
      const sqlTable = table.logsources[route.logsourceKey]!.sql.table;
      for (const field of route.target.sql.fields) {
        const type = schemas[sqlTable]![field];
        expect({ iocType, sqlTable, field, type: iocType === 'network_port' ? type === 'INT' : type === 'STRING' }).toEqual({ iocType, sqlTable, field, type: true });
      }
    }
  });
});

describe('SPL: CIM datasets and fields', () => {
  test('every log source names a known CIM dataset, and its projection and IOC fields are fields of it', () => {
    for (const ls of Object.values(table.logsources)) {
      const fields = table.cimDatasets[ls.spl.source];
      expect({ logsource: ls.key, dataset: ls.spl.source, known: !!fields }).toEqual({ logsource: ls.key, dataset: ls.spl.source, known: true });
      expect(ls.spl.timeField).toBe('_time');
      expect(ls.spl.sourcetype['default']).toBeTruthy();
      for (const key of Object.keys(ls.spl.sourcetype)) expect(['default', ...DATA_SOURCE_TYPES]).toContain(key);
      for (const field of ls.spl.projection) expect({ dataset: ls.spl.source, field, exists: fields!.includes(field) }).toEqual({ dataset: ls.spl.source, field, exists: true });
    }
    for (const [iocType, dsType] of cells) {
      const route = table.routes[iocType][dsType]!;
      const dataset = table.logsources[route.logsourceKey]!.spl.source;
      for (const field of route.target.spl.fields) expect({ iocType, dataset, field, exists: table.cimDatasets[dataset]!.includes(field) }).toEqual({ iocType, dataset, field, exists: true });
    }
  });
});

describe("the seed's mistakes are not repeated", () => {
  const allFields = (spec: FieldSpec | null) => spec?.fields ?? [];

  test('certificate issuers never land in a process_creation rule, and no field is the invented CertificateIssuer(Name) or NetworkDestination', () => {
    for (const [iocType, dsType] of cells) {
      const route = table.routes[iocType][dsType]!;
      const t = route.target;
      const names = [...allFields(t.sigma), ...allFields(t.kql.xdr), ...allFields(t.kql.sentinel), ...allFields(t.spl), ...allFields(t.sql)];
      expect(names).not.toContain('CertificateIssuer');
      expect(names).not.toContain('CertificateIssuerName');
      expect(names).not.toContain('NetworkDestination');
      if (iocType === 'cert_issuer') expect(route.logsourceKey).toBe('certificate');
    }
  });

  test('IPs and user agents from identity sources go to sign-in logs, not to endpoint network tables', () => {
    for (const iocType of ['ip', 'user_agent'] as const) {
      const route = table.routes[iocType].identity!;
      expect(route.logsourceKey).toBe('signin');
      expect(route.native).toBe(true);
      expect(table.logsources.signin!.kql.sentinel!.table).toBe('SigninLogs');
      expect(table.logsources.signin!.kql.xdr!.table).toBe('AADSignInEventsBeta');
    }
    expect(table.routes.ip.identity!.target.kql.sentinel!.fields).toEqual(['IPAddress']);
    expect(table.routes.ip.identity!.target.kql.xdr!.fields).toEqual(['IPAddress']);
  });

  test('a domain from an identity source is not native there: it goes to DNS (the planner warns)', () => {
    const route = table.routes.domain.identity!;
    expect(route).toMatchObject({ logsourceKey: 'dns', native: false });
  });
});

describe('describeIocRoute (what the wizard shows)', () => {
  test('names the table, field and match for every cell and flavour', () => {
    expect(describeIocRoute(table, 'process_name', 'endpoint', 'xdr')).toEqual({
      logsourceKey: 'process_creation',
      sigma: 'process_creation/windows: Image (file name)',
      kql: 'DeviceProcessEvents.FileName (equals)',
      spl: 'Endpoint.Processes process_name (equals)',
      sql: 'security.process_events.process_name (equals)'
    });
    expect(describeIocRoute(table, 'domain', 'dns', 'sentinel')!.kql).toBe('DnsEvents.Name (equals or subdomain)');
    expect(describeIocRoute(table, 'cert_issuer', 'endpoint', 'sentinel')!.kql).toBe('no sentinel table');
    for (const [iocType, dsType] of cells) {
      for (const flavor of KQL_FLAVORS) {
        const d = describeIocRoute(table, iocType, dsType, flavor)!;
        expect(d.logsourceKey).toBe(table.routes[iocType][dsType]!.logsourceKey);
        for (const text of [d.sigma, d.kql, d.spl, d.sql]) expect(text.length).toBeGreaterThan(0);
      }
    }
  });
});
