import type { EnrichProvider } from '../core/enrichment.js';
import { type EnrichConfig, resolveEnrichConfig } from '../enrich/config.js';
import { UsageError } from './io.js';

/**
 * The enrichment flags of `peak-to-sigma convert`: `--enrich openai|anthropic`,
 * `--enrich-model <id>`, `--enrich-base-url <url>` (each also as `--flag=value`). The key comes
 * from OPENAI_API_KEY / ANTHROPIC_API_KEY, the base URL defaults to OPENAI_BASE_URL /
 * ANTHROPIC_BASE_URL. The flags are taken out of `args`; the command parses the rest.
 */

export const ENRICH_USAGE = [
  '  --enrich openai|anthropic   ask an LLM for detection gaps, related techniques, pivots and tuning',
  '                              advice per hunt, written to <out>/<hunt>/enrichment.md (key from',
  '                              OPENAI_API_KEY or ANTHROPIC_API_KEY; never fails the run)',
  '  --enrich-model <id>         model id (default gpt-5.5 / claude-sonnet-5-5)',
  '  --enrich-base-url <url>     API base URL for proxies and gateways (default OPENAI_BASE_URL or',
  '                              ANTHROPIC_BASE_URL, else the provider)'
].join('\n');

const FLAGS = { '--enrich': 'provider', '--enrich-model': 'model', '--enrich-base-url': 'baseUrl' } as const;
type FlagName = keyof typeof FLAGS;

const ENV: Record<EnrichProvider, { key: string; baseUrl: string }> = {
  openai: { key: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL' },
  anthropic: { key: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL' }
};

export interface EnrichFlags {
  /** Enrichment settings, or undefined when `--enrich` was not given or no key is set. */
  config?: EnrichConfig;
  /** For stderr: enrichment was asked for but is skipped (no key). */
  warning?: string;
  /** `args` without the enrichment flags. */
  rest: string[];
}

/** Throws UsageError for a flag without a value, a repeated flag, or a setting that cannot work. */
export function parseEnrichFlags(args: readonly string[], env: NodeJS.ProcessEnv): EnrichFlags {
  const values: Partial<Record<(typeof FLAGS)[FlagName], string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(0, eq) : arg) as FlagName;
    if (!(name in FLAGS)) {
      rest.push(arg);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
      i += 1;
    }
    const key = FLAGS[name];
    if (values[key] !== undefined) throw new UsageError(`${name} given twice`);
    values[key] = value;
  }

  const provider = values.provider?.trim().toLowerCase();
  const envNames = provider === 'openai' || provider === 'anthropic' ? ENV[provider] : undefined;
  const baseUrlFromEnv = values.baseUrl === undefined && envNames ? env[envNames.baseUrl] || undefined : undefined;
  const setup = resolveEnrichConfig({
    provider: values.provider,
    model: values.model,
    baseUrl: values.baseUrl ?? baseUrlFromEnv,
    apiKey: envNames ? env[envNames.key] : undefined,
    apiKeySource: envNames ? `the ${envNames.key} environment variable` : undefined,
    names: { provider: '--enrich', model: '--enrich-model', baseUrl: baseUrlFromEnv && envNames ? envNames.baseUrl : '--enrich-base-url' }
  });
  if (!setup.ok) throw new UsageError(setup.message);
  return { config: setup.config, warning: setup.warning, rest };
}
