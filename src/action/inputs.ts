import * as core from '@actions/core';
import type { KqlFlavor, OutputFormat, StatusMap } from '../core/model.js';
import { type EnrichConfig, resolveEnrichConfig } from '../enrich/config.js';
import { isContainedRelativePath } from '../core/paths.js';
import { parseFormats, parseKqlFlavor, parseLookbackDays, parseStatusMap } from '../shell/options.js';

/** The action's inputs (action.yml), parsed and checked. */
export interface ActionInputs {
  /** Glob patterns of hunt reports, repository-relative (one per line or comma-separated). */
  hunts: string[];
  /** Repository-relative output directory, POSIX separators, no `..`. */
  outputDir: string;
  formats: OutputFormat[];
  kqlFlavor: KqlFlavor;
  statusMap: StatusMap;
  lookbackDays: number;
  /** Repository-relative routing override file, or undefined. */
  mappings?: string;
  commit: boolean;
  /** Branch to commit to; undefined means the PR head branch (or the pushed/dispatched branch). */
  branch?: string;
  commitMessage: string;
  comment: boolean;
  failOnWarnings: boolean;
  token: string;
  /** LLM enrichment settings; undefined when off or skipped (see `enrichWarning`). */
  enrich?: EnrichConfig;
  /** Enrichment was asked for but is skipped: no API key (fork pull requests get no secrets). */
  enrichWarning?: string;
}

export const DEFAULT_HUNTS_GLOB = 'hunts/**/*.{yml,yaml,json}';
export const DEFAULT_COMMIT_MESSAGE = 'chore(detections): regenerate rules from hunt reports [peak-to-sigma]';

/**
 * Reads every input through `get` (the runner's `INPUT_*` variables in production) and returns
 * the parsed inputs or one message per bad input, each naming the input. The enrichment API key
 * is handed to `mask` (the runner's `add-mask`) before anything else happens, so no later log
 * line can show it.
 */
export function parseInputs(get: (name: string) => string, mask: (secret: string) => void = core.setSecret): { inputs?: ActionInputs; errors: string[] } {
  const apiKey = get('enrich-api-key').trim();
  if (apiKey) mask(apiKey);
  const errors: string[] = [];
  const read = (name: string) => get(name).trim();
  const option = <T>(name: string, fallback: string, parse: (text: string) => { ok: true; value: T } | { ok: false; message: string }): T | undefined => {
    const result = parse(read(name) || fallback);
    if (result.ok) return result.value;
    errors.push(`input "${name}": ${result.message}`);
    return undefined;
  };
  const boolean = (name: string, fallback: boolean): boolean => {
    const value = read(name).toLowerCase();
    if (!value) return fallback;
    if (['true', 'yes', 'on'].includes(value)) return true;
    if (['false', 'no', 'off'].includes(value)) return false;
    errors.push(`input "${name}": expected true or false, got "${get(name)}"`);
    return fallback;
  };
  const relativePath = (name: string, fallback: string): string | undefined => {
    const value = normaliseRelative(read(name) || fallback);
    if (value === undefined) errors.push(`input "${name}": must be a path inside the repository (relative, no ".."), got "${get(name)}"`);
    return value;
  };

  const hunts = (read('hunts') || DEFAULT_HUNTS_GLOB)
    .split(/\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''));
  for (const pattern of hunts) {
    if (pattern.startsWith('/') || pattern.split('/').includes('..')) errors.push(`input "hunts": pattern "${pattern}" must stay inside the repository`);
  }
  const outputDir = relativePath('output-dir', 'detections');
  const formats = option('formats', 'sigma,kql,spl,sql,navigator', parseFormats);
  const kqlFlavor = option('kql-flavor', 'xdr', parseKqlFlavor);
  const statusMap = option('status-map', 'Validated=stable,Scoped=test,Unscoped=experimental', parseStatusMap);
  const lookbackDays = option('lookback-days', '7', parseLookbackDays);
  const mappings = read('mappings') ? relativePath('mappings', '') : undefined;
  const commit = boolean('commit', true);
  const branch = read('branch') || undefined;
  if (branch !== undefined && !isValidBranchName(branch)) errors.push(`input "branch": "${branch}" is not a valid branch name`);
  const commitMessage = get('commit-message').trim() || DEFAULT_COMMIT_MESSAGE;
  const comment = boolean('comment', true);
  const failOnWarnings = boolean('fail-on-warnings', false);
  const token = read('token');
  if (!token) errors.push('input "token": empty; the default is ${{ github.token }}');
  const enrich = enrichInputs(get, apiKey);
  if (!enrich.ok) errors.push(enrich.message);

  if (errors.length || !outputDir || !formats || !kqlFlavor || !statusMap || !lookbackDays) return { errors };
  return {
    errors,
    inputs: {
      hunts,
      outputDir,
      formats,
      kqlFlavor,
      statusMap,
      lookbackDays,
      mappings,
      commit,
      branch,
      commitMessage,
      comment,
      failOnWarnings,
      token,
      ...(enrich.ok && enrich.config ? { enrich: enrich.config } : {}),
      ...(enrich.ok && enrich.warning ? { enrichWarning: enrich.warning } : {})
    }
  };
}

/** `enrich`, `enrich-model`, `enrich-base-url` and the (already masked) key; messages name the input. */
function enrichInputs(get: (name: string) => string, apiKey: string) {
  const setup = resolveEnrichConfig({
    provider: get('enrich'),
    model: get('enrich-model'),
    baseUrl: get('enrich-base-url'),
    apiKey,
    apiKeySource: 'the "enrich-api-key" input to a secret, e.g. ${{ secrets.OPENAI_API_KEY }}',
    names: { provider: 'input "enrich"', model: 'input "enrich-model"', baseUrl: 'input "enrich-base-url"' }
  });
  if (setup.ok || setup.message.startsWith('input "')) return setup;
  // The remaining messages name no input: a bad provider name or a key that cannot be sent.
  return { ok: false as const, message: `input "${/API key/.test(setup.message) ? 'enrich-api-key' : 'enrich'}": ${setup.message}` };
}

/** `./detections/` → `detections`; undefined for anything that leaves the repository. */
function normaliseRelative(path: string): string | undefined {
  const trimmed = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return isContainedRelativePath(trimmed) ? trimmed : undefined;
}

/** The subset of `git check-ref-format --branch` rules that matter for an API ref. */
export function isValidBranchName(name: string): boolean {
  if (!name || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return false;
  if (name.startsWith('refs/') || name === '@') return false;
  if (/[\u0000-\u0020\u007f~^:?*[\\]|\.\.|\/\/|@\{|\/\./.test(name)) return false;
  return !name.startsWith('-');
}
