import {
  DEFAULT_STATUS_MAP,
  KQL_FLAVORS,
  type KqlFlavor,
  OUTPUT_FORMATS,
  type OutputFormat,
  PEAK_PHASES,
  SIGMA_STATUSES,
  type StatusMap
} from '../core/model.js';

/**
 * Option strings shared by the CLI flags and the action inputs (`formats`, `status-map`,
 * `kql-flavor`, `lookback-days`): each parser returns a typed value or a message naming what is allowed.
 */
export type OptionResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): OptionResult<T> => ({ ok: true, value });
const fail = <T>(message: string): OptionResult<T> => ({ ok: false, message });

export const MAX_LOOKBACK_DAYS = 3650;

/** `sigma,kql,navigator` (any order, any case, spaces allowed) or `all`; result in canonical order. */
export function parseFormats(text: string): OptionResult<OutputFormat[]> {
  const items = splitList(text);
  if (!items.length) return fail(`formats must name at least one of ${OUTPUT_FORMATS.join(', ')} (or "all")`);
  if (items.length === 1 && items[0]!.toLowerCase() === 'all') return ok([...OUTPUT_FORMATS]);
  const chosen = new Set<OutputFormat>();
  for (const item of items) {
    const format = OUTPUT_FORMATS.find((f) => f === item.toLowerCase());
    if (!format) return fail(`unknown format "${item}": choose from ${OUTPUT_FORMATS.join(', ')} (or "all")`);
    chosen.add(format);
  }
  return ok(OUTPUT_FORMATS.filter((f) => chosen.has(f)));
}

/**
 * `Validated=stable,Scoped=test,Unscoped=experimental`. Phases left out keep the default
 * (DESIGN.md §3); phase and status names are case-insensitive.
 */
export function parseStatusMap(text: string): OptionResult<StatusMap> {
  const map: StatusMap = { ...DEFAULT_STATUS_MAP };
  const items = splitList(text);
  if (!items.length) return fail('status map must look like Validated=stable,Scoped=test,Unscoped=experimental');
  const seen = new Set<string>();
  for (const item of items) {
    const match = /^([^=:]+)[=:](.+)$/.exec(item);
    if (!match) return fail(`status map entry "${item}" must look like Phase=status (e.g. Scoped=test)`);
    const phaseText = match[1]!.trim();
    const statusText = match[2]!.trim();
    const phase = PEAK_PHASES.find((p) => p.toLowerCase() === phaseText.toLowerCase());
    if (!phase) return fail(`unknown PEAK phase "${phaseText}" in status map: choose from ${PEAK_PHASES.join(', ')}`);
    if (seen.has(phase)) return fail(`PEAK phase ${phase} appears twice in the status map`);
    seen.add(phase);
    const status = SIGMA_STATUSES.find((s) => s === statusText.toLowerCase());
    if (!status) return fail(`unknown Sigma status "${statusText}" for ${phase}: choose from ${SIGMA_STATUSES.join(', ')}`);
    map[phase] = status;
  }
  return ok(map);
}

export function parseKqlFlavor(text: string): OptionResult<KqlFlavor> {
  const flavor = KQL_FLAVORS.find((f) => f === text.trim().toLowerCase());
  return flavor ? ok(flavor) : fail(`unknown KQL flavour "${text}": choose from ${KQL_FLAVORS.join(', ')}`);
}

/** A whole number of days, 1 to 3650. */
export function parseLookbackDays(text: string): OptionResult<number> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return fail(`lookback days must be a whole number of days, got "${text}"`);
  const days = Number(trimmed);
  if (days < 1 || days > MAX_LOOKBACK_DAYS) return fail(`lookback days must be between 1 and ${MAX_LOOKBACK_DAYS}, got ${days}`);
  return ok(days);
}

function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
