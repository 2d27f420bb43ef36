/**
 * An in-memory DuckDB "security lake" with the routing table's `security.*` tables, to execute
 * generated Databricks SQL (translated by `databricksToDuckDb`) against malicious and benign rows.
 * Also builds sample rows from a condition tree: rows that must match it, and a row that must not.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Condition, FieldMatch } from '../../src/core/model.js';
import type { SqlTables } from './databricks.js';

const DUCKDB_TYPES: Record<string, string> = { STRING: 'VARCHAR', TIMESTAMP: 'TIMESTAMP', BIGINT: 'BIGINT', INT: 'INTEGER', BOOLEAN: 'BOOLEAN', DOUBLE: 'DOUBLE' };

/** A row to insert: column values, and how many minutes before now its `event_time` lies. */
export interface SampleRow {
  ageMinutes: number;
  values: Record<string, string | number>;
}

export class SecurityLake {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly tables: SqlTables
  ) {}

  static async create(tables: SqlTables): Promise<SecurityLake> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    for (const schema of new Set(Object.keys(tables).map((t) => t.split('.')[0]!))) await connection.run(`CREATE SCHEMA "${schema}"`);
    for (const [table, columns] of Object.entries(tables)) {
      const defs = Object.entries(columns).map(([name, type]) => {
        const duck = DUCKDB_TYPES[type];
        if (duck === undefined) throw new Error(`no DuckDB type for ${type} (${table}.${name})`);
        return `"${name}" ${duck}`;
      });
      await connection.run(`CREATE TABLE ${qualified(table)} (${defs.join(', ')})`);
    }
    return new SecurityLake(instance, connection, tables);
  }

  /** Empty `table`, insert `rows`, run `duckSql`, and return how many rows it selected. */
  async countMatches(table: string, rows: SampleRow[], duckSql: string): Promise<number> {
    await this.connection.run(`DELETE FROM ${qualified(table)}`);
    for (const row of rows) await this.insert(table, row);
    const reader = await this.connection.runAndReadAll(duckSql);
    return reader.getRowObjects().length;
  }

  /** Run any DuckDB query and return its rows. */
  async rows(duckSql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(duckSql)).getRowObjects();
  }

  private async insert(table: string, row: SampleRow): Promise<void> {
    const columns = this.tables[table];
    if (columns === undefined) throw new Error(`unknown table ${table}`);
    const names = Object.keys(row.values);
    for (const name of names) if (columns[name] === undefined) throw new Error(`unknown column ${table}.${name}`);
    const statement = await this.connection.prepare(
      `INSERT INTO ${qualified(table)} ("event_time"${names.map((n) => `, "${n}"`).join('')}) ` +
        `VALUES (CAST(now() AS TIMESTAMP) - to_minutes(CAST($1 AS BIGINT))${names.map((_, i) => `, $${i + 2}`).join('')})`
    );
    statement.bindBigInt(1, BigInt(row.ageMinutes));
    names.forEach((name, i) => {
      const value = row.values[name]!;
      const type = columns[name];
      if (type === 'STRING') statement.bindVarchar(i + 2, String(value));
      else if (type === 'INT') statement.bindInteger(i + 2, Number(value));
      else if (type === 'BIGINT') statement.bindBigInt(i + 2, BigInt(value));
      else throw new Error(`cannot bind ${type} (${table}.${name})`);
    });
    await statement.run();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function qualified(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

// ---------------------------------------------------------------------------------------------
// Sample rows from a condition

/** Swap the case of ASCII letters only: a case change every engine agrees on. */
export function swapAsciiCase(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
}

function ipv4Text(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A value that satisfies one leaf, or undefined when none can be built (regex, NOT). */
function witnessValue(m: FieldMatch): string | number | undefined {
  if (typeof m.value === 'number') return m.operator === 'equals' ? m.value : undefined;
  const v = swapAsciiCase(m.value);
  switch (m.operator) {
    case 'equals':
      return v;
    case 'contains':
      return `«${v}»`;
    case 'startswith':
      return `${v}»`;
    case 'endswith':
      return `«${v}`;
    case 'regex':
      return undefined;
    case 'cidr': {
      const [address = '', prefix] = m.value.split('/');
      if (address.includes(':')) return address.toLowerCase().endsWith('::') ? `${address.toLowerCase()}1` : address.toLowerCase();
      const bits = prefix === undefined ? 32 : Number(prefix);
      const n = address.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
      const size = 2 ** (32 - bits);
      return ipv4Text(Math.floor(n / size) * size + (size > 1 ? size - 1 : 0));
    }
  }
}

type Assignment = Record<string, string | number>;

/**
 * Assignments of field values that each satisfy `condition` (one per OR branch; AND branches
 * merged; combinations that need two values for one field are dropped). Leaves without a witness
 * (regex, NOT) contribute none.
 */
export function witnesses(condition: Condition): Assignment[] {
  switch (condition.kind) {
    case 'match': {
      const value = witnessValue(condition);
      return value === undefined ? [] : [{ [condition.field]: value }];
    }
    case 'not':
      return [];
    case 'or':
      return condition.children.flatMap(witnesses);
    case 'and':
      return condition.children.reduce<Assignment[]>(
        (acc, child) =>
          acc.flatMap((a) =>
            witnesses(child)
              .filter((b) => Object.keys(b).every((k) => a[k] === undefined || a[k] === b[k]))
              .map((b) => ({ ...a, ...b }))
          ),
        [{}]
      );
  }
}

/** Every field a condition reads. */
export function conditionFields(condition: Condition): string[] {
  switch (condition.kind) {
    case 'match':
      return [condition.field];
    case 'not':
      return conditionFields(condition.child);
    case 'and':
    case 'or':
      return [...new Set(condition.children.flatMap(conditionFields))];
  }
}

/** Values no IOC-derived condition should match: fixed text, and a number no port IOC uses. */
export function benignAssignment(condition: Condition, columns: Record<string, string>): Assignment {
  const numbers = new Set<number>();
  const collect = (c: Condition): void => {
    if (c.kind === 'match' && typeof c.value === 'number') numbers.add(c.value);
    if (c.kind === 'not') collect(c.child);
    if (c.kind === 'and' || c.kind === 'or') c.children.forEach(collect);
  };
  collect(condition);
  let benignNumber = 1;
  while (numbers.has(benignNumber)) benignNumber++;
  return Object.fromEntries(
    conditionFields(condition).map((field) => [field, columns[field] === 'STRING' ? 'benign-sample-value' : benignNumber])
  );
}
