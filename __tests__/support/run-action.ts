import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Runs the BUILT action (`dist/index.js`) as a child process the way the runner does: every
 * input of action.yml as `INPUT_<NAME>` (upper case, spaces → `_`, hyphens kept) with its default
 * unless the scenario sets it, the event payload in a file named by `GITHUB_EVENT_PATH`, the
 * file commands `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`, and `GITHUB_API_URL` pointing at the
 * local fake GitHub. Workflow commands on stdout (`::error file=…::`) are parsed back.
 */

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const BUNDLE = join(PROJECT_ROOT, 'dist', 'index.js');

export interface Annotation {
  kind: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
}

export interface RunOptions {
  workspace: string;
  eventName: string;
  payload: object;
  apiUrl: string;
  token: string;
  repository: string;
  /** `GITHUB_SHA` (for pull_request: the merge commit; the action must not build on it). */
  sha: string;
  ref: string;
  actor?: string;
  inputs?: Record<string, string>;
}

/** The runner's name mangling for inputs. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

interface ActionManifest {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
}

export function actionManifest(): ActionManifest {
  return parseYaml(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as ActionManifest;
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'p2s-runner-'));
  const eventPath = join(runnerTemp, 'event.json');
  const outputPath = join(runnerTemp, 'output');
  const summaryPath = join(runnerTemp, 'step-summary.md');
  writeFileSync(eventPath, JSON.stringify(options.payload));
  for (const file of [outputPath, summaryPath, join(runnerTemp, 'state'), join(runnerTemp, 'env'), join(runnerTemp, 'path')]) writeFileSync(file, '');

  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(actionManifest().inputs)) {
    if (spec.default !== undefined) inputs[inputVariable(name)] = spec.default.replace('${{ github.token }}', options.token);
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) inputs[inputVariable(name)] = value;

  const [owner] = options.repository.split('/');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? runnerTemp,
    NO_PROXY: '127.0.0.1,localhost',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_REPOSITORY_OWNER: owner!,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STATE: join(runnerTemp, 'state'),
    GITHUB_ENV: join(runnerTemp, 'env'),
    GITHUB_PATH: join(runnerTemp, 'path'),
    GITHUB_SHA: options.sha,
    GITHUB_REF: options.ref,
    GITHUB_ACTOR: options.actor ?? 'octocat',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'detections',
    GITHUB_ACTION: 'peak-to-sigma',
    GITHUB_WORKFLOW: 'detections',
    ...inputs
  };

  const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [BUNDLE], { cwd: options.workspace, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ exitCode: code, stdout: out, stderr: err });
    });
  });
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommand(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    annotations: parseAnnotations(stdout)
  };
}

/** `name<<DELIMITER\nvalue\nDELIMITER\n`, as @actions/core writes GITHUB_OUTPUT. */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]!);
    result[match[1]!] = value.join('\n');
  }
  return result;
}

function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

export function parseAnnotations(stdout: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescapeCommand(pair.slice(eq + 1));
    }
    annotations.push({ kind: match[1] as Annotation['kind'], message: unescapeCommand(match[3]!), properties });
  }
  return annotations;
}
