import { z } from 'zod';
import { TECHNIQUE_ID } from '../attack.js';
import { COVERAGE_LEVELS, DATA_SOURCE_TYPES, HUNT_TYPES, IOC_MATCHES, IOC_TYPES, PEAK_PHASES, SIGMA_LEVELS } from '../model.js';

/**
 * Hunt report schema v1 (DESIGN.md §2). Objects are strict: an unknown key is an error, so a typo
 * like `finding:` is caught instead of silently producing no rules. Value checks that need more than
 * a type (IOC formats, ATT&CK look-ups, cross-references) live in `validate.ts`. Every check carries a
 * message written for a hunter: `parse.ts` prints it after the key path.
 */

const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const IocSchema = z.strictObject({
  type: z.enum(IOC_TYPES),
  value: z.union([nonEmpty, z.number()]),
  match: z.enum(IOC_MATCHES).optional()
});

export const FindingSchema = z.strictObject({
  tactic: nonEmpty,
  technique: z.string().regex(TECHNIQUE_ID, 'must be an ATT&CK technique id like T1557 or T1557.001'),
  technique_name: nonEmpty.optional(),
  confirmed: z.boolean(),
  description: nonEmpty,
  data_source_ref: nonEmpty,
  iocs: z.array(IocSchema).min(1, 'a finding needs at least one IOC to detect'),
  falsepositives: z.array(nonEmpty).optional(),
  level: z.enum(SIGMA_LEVELS).optional()
});

export const DataSourceSchema = z.strictObject({
  name: nonEmpty,
  type: z.enum(DATA_SOURCE_TYPES),
  coverage: z.enum(COVERAGE_LEVELS).optional()
});

export const HuntMetaSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[HBM]-[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must look like H-0042 (PEAK prefix H, B or M, then letters, digits, ".", "_" or "-")')
    .optional(),
  name: nonEmpty,
  hypothesis: nonEmpty,
  analyst: nonEmpty,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD (quote it in YAML)'),
  peak_phase: z.enum(PEAK_PHASES),
  hunt_type: z.enum(HUNT_TYPES).optional(),
  references: z.array(nonEmpty).optional()
});

export const HuntReportSchema = z.strictObject({
  hunt: HuntMetaSchema,
  data_sources: z.array(DataSourceSchema).min(1, 'declare at least one data source'),
  findings: z.array(FindingSchema),
  verdict: nonEmpty
});

export type HuntReport = z.infer<typeof HuntReportSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Ioc = z.infer<typeof IocSchema>;
export type DataSource = z.infer<typeof DataSourceSchema>;
export type HuntMeta = z.infer<typeof HuntMetaSchema>;

/** Every key the schema knows, per object kind: the source of "did you mean" hints. */
export const KNOWN_KEYS = {
  report: Object.keys(HuntReportSchema.shape),
  hunt: Object.keys(HuntMetaSchema.shape),
  data_source: Object.keys(DataSourceSchema.shape),
  finding: Object.keys(FindingSchema.shape),
  ioc: Object.keys(IocSchema.shape)
} as const;
