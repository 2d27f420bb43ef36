import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { convertCommand } from '../src/cli/convert.js';
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { convertHunts } from '../src/core/convert.js';
import { parseHuntReport } from '../src/core/hunt/parse.js';
import type { HuntReport } from '../src/core/hunt/schema.js';
import { DEFAULT_STATUS_MAP, OUTPUT_FORMATS } from '../src/core/model.js';
import { bundledRoutingTable, describeIocRoute } from '../src/core/routing/table.js';
import { DATA_SOURCE_TYPE_HELP, FORMAT_LABELS } from '../src/wizard/content.js';
import { startWizardServer, type WizardServer } from '../src/wizard/server.js';
import { launchChromium, screenshot, watchPage } from './support/browser.js';

/**
 * The wizard in a real headless Chromium: a person who only uses the keyboard fills the four
 * steps for the seed's AiTM hunt; what they download must be that hunt, and what the preview
 * shows must be what the CLI writes for it.
 */

const EXAMPLE_FILE = 'examples/hunts/aitm-proxy.yaml';
const REPO_ROOT = new URL('..', import.meta.url).pathname;
const exampleSource = readFileSync(join(REPO_ROOT, EXAMPLE_FILE), 'utf8');
/** The YAML values as written (folded text keeps its final newline): the form is filled with exactly these. */
const example = parseYaml(exampleSource) as HuntReport;
const catalogue = bundledAttackCatalogue();
const routing = bundledRoutingTable();

/** How the hunter finds each technique: by a word of its name or by its id (the two ways). */
const LOOKUP_QUERY: Record<string, string> = { 'T1557.001': 'poison', T1539: 'T1539' };

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let server: WizardServer;
let browser: Browser;

beforeAll(async () => {
  server = await startWizardServer({ port: 0, today: () => '2026-01-02' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openWizard(viewport: { width: number; height: number }, mobile = false) {
  const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(server.url);
  await previewSettled(page);
  return { page, problems, close: () => context.close() };
}

/** The page marks the preview pending on every edit and ready when the server's answer is shown. */
const previewSettled = (page: Page) => page.waitForFunction(() => document.body.dataset.preview === 'ready');

/** Keyboard activation of a button or link. */
async function activate(control: Locator): Promise<void> {
  await control.focus();
  await control.press('Enter');
}

async function setChecked(checkbox: Locator, checked: boolean): Promise<void> {
  if ((await checkbox.isChecked()) === checked) return;
  await checkbox.focus();
  await checkbox.press('Space');
}

/** The text of everything a control's aria-describedby points at (hints and errors). */
const describedText = (control: Locator) =>
  control.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
  );

/** The error slot tied to a control through aria-describedby. */
async function errorSlotOf(page: Page, control: Locator): Promise<Locator> {
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(/\s+/);
  const id = ids.find((i) => i.endsWith('-error'));
  expect(id).toBeDefined();
  return page.locator(`[id="${id}"]`);
}

async function waitForText(locator: Locator, expected: string | RegExp): Promise<void> {
  const pattern = typeof expected === 'string' ? undefined : { source: expected.source, flags: expected.flags };
  await locator.page().waitForFunction(
    ({ el, text, pattern }) => {
      const actual = (el as HTMLElement | null)?.textContent ?? '';
      return pattern ? new RegExp(pattern.source, pattern.flags).test(actual) : actual === text;
    },
    { el: await locator.elementHandle(), text: typeof expected === 'string' ? expected : '', pattern }
  );
}

const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function fillStep1(page: Page): Promise<void> {
  const h = example.hunt;
  await page.getByLabel('Hunt name', { exact: true }).fill(h.name);
  if (h.id) await page.getByLabel('Hunt ID (optional)', { exact: true }).fill(h.id);
  await page.getByLabel('Hypothesis', { exact: true }).fill(h.hypothesis);
  await page.getByLabel('Analyst', { exact: true }).fill(h.analyst);
  await page.getByLabel('Date', { exact: true }).fill(h.date);
  const phase = page.getByRole('radio', { name: h.peak_phase, exact: true });
  await phase.focus();
  await phase.press('Space');
  expect(await phase.isChecked()).toBe(true);
  if (h.hunt_type) await page.getByLabel('Hunt type (optional)', { exact: true }).selectOption(h.hunt_type);
  if (h.references) await page.getByLabel('References (optional, one per line)', { exact: true }).fill(h.references.join('\n'));
}

async function fillStep2(page: Page): Promise<void> {
  for (const [i, ds] of example.data_sources.entries()) {
    if (i > 0) await activate(page.getByRole('button', { name: 'Add data source', exact: true }));
    const row = page.getByRole('group', { name: `Data source ${i + 1}`, exact: true });
    const name = row.getByLabel('Name', { exact: true });
    if (i > 0) expect(await name.evaluate((el) => el === document.activeElement)).toBe(true);
    await name.fill(ds.name);
    const type = row.getByLabel('Type', { exact: true });
    await type.selectOption(ds.type);
    // The type's meaning is part of the control's description, not a hover-only tooltip.
    expect(await describedText(type)).toContain(DATA_SOURCE_TYPE_HELP[ds.type]);
    if (ds.coverage) await row.getByLabel('Coverage (optional)', { exact: true }).selectOption(ds.coverage);
  }
}

async function fillStep3(page: Page): Promise<void> {
  for (const [i, f] of example.findings.entries()) {
    if (i > 0) await activate(page.getByRole('button', { name: 'Add finding', exact: true }));
    const finding = page.getByRole('group', { name: `Finding ${i + 1}`, exact: true });

    // ATT&CK look-up: type, arrow down to the results, pick with Enter.
    const lookup = finding.getByLabel('Look up a technique', { exact: true });
    await lookup.focus();
    const query = LOOKUP_QUERY[f.technique] ?? f.technique;
    await lookup.pressSequentially(query);
    await waitForText(finding.locator('[data-lookup-status]'), new RegExp(` match(es)? "${escapeRegExp(query)}"\\.$`));
    const result = finding.getByRole('button', { name: new RegExp(`^${escapeRegExp(f.technique)} `) });
    const results = await finding.locator('[data-pick]').count();
    await lookup.press('ArrowDown');
    for (let i = 0; i < results && !(await result.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('ArrowDown');
    expect(await result.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const technique = finding.getByLabel('Technique ID', { exact: true });
    expect(await technique.inputValue()).toBe(f.technique);
    expect(await technique.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await finding.getByLabel('Technique name (optional)', { exact: true }).inputValue()).toBe(catalogue.technique(f.technique)!.name);
    const tactic = finding.getByLabel('Tactic', { exact: true });
    const tacticShortnames = catalogue.technique(f.technique)!.tactics;
    expect(tacticShortnames).toContain(await tactic.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]!.dataset.shortname));
    expect(await describedText(technique)).toContain('T1557.001');

    await tactic.selectOption(f.tactic);
    await finding.getByLabel('Technique name (optional)', { exact: true }).fill(f.technique_name ?? '');
    await setChecked(finding.getByLabel('Confirmed', { exact: true }), f.confirmed);
    await finding.getByLabel('Description', { exact: true }).fill(f.description);
    await finding.getByLabel('Data source', { exact: true }).selectOption(f.data_source_ref);
    const dataSourceType = example.data_sources.find((d) => d.name === f.data_source_ref)!.type;

    for (const [k, ioc] of f.iocs.entries()) {
      if (k > 0) await activate(finding.getByRole('button', { name: 'Add IOC', exact: true }));
      const row = finding.getByRole('group', { name: `IOC ${k + 1}`, exact: true });
      const type = row.getByLabel('Type', { exact: true });
      // The drop-down itself says where each IOC type lands for this finding's data source.
      const route = describeIocRoute(routing, ioc.type, dataSourceType, 'xdr');
      expect(route).toBeDefined();
      await waitForText(type.locator(`option[value="${ioc.type}"]`), `${ioc.type} → Sigma ${route!.sigma} · KQL ${route!.kql} · SPL ${route!.spl} · SQL ${route!.sql}`);
      await type.selectOption(ioc.type);
      await row.getByLabel('Value', { exact: true }).fill(String(ioc.value));
      if (ioc.match) await row.getByLabel('Match (optional)', { exact: true }).selectOption(ioc.match);
      const hintId = ((await type.getAttribute('aria-describedby')) ?? '').split(/\s+/).find((id) => id.endsWith('-hint'))!;
      await page.waitForFunction((id) => (document.getElementById(id)?.textContent ?? '').startsWith('Lands in'), hintId);
      const landsIn = await page.locator(`[id="${hintId}"]`).innerText();
      for (const format of ['sigma', 'kql', 'spl', 'sql'] as const) expect(landsIn).toContain(`${FORMAT_LABELS[format].split(' ')[0]}: ${route![format]}`);
      expect(await describedText(type)).toContain(`KQL: ${route!.kql}`);
    }
    if (f.falsepositives) await finding.getByLabel('False positives (optional, one per line)', { exact: true }).fill(f.falsepositives.join('\n'));
    if (f.level) await finding.getByLabel('Level (optional)', { exact: true }).selectOption(f.level);
  }
  await page.getByLabel('Verdict', { exact: true }).fill(example.verdict);
}

describe('wizard in headless Chromium', () => {
  test('fills the AiTM hunt with the keyboard; the download is that hunt and the previews are the CLI output', async () => {
    const { page, problems, close } = await openWizard(DESKTOP);

    await fillStep1(page);
    await previewSettled(page);
    await screenshot(page, 'step-1-hunt');
    await activate(page.getByRole('button', { name: 'Next: data sources', exact: true }));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Step 2 of 4: data sources');

    await fillStep2(page);
    await previewSettled(page);
    await screenshot(page, 'step-2-data-sources');
    await activate(page.getByRole('button', { name: 'Next: findings', exact: true }));

    await fillStep3(page);
    await previewSettled(page);
    expect(await noHorizontalScroll(page)).toBe(true);
    await screenshot(page, 'step-3-findings');
    await activate(page.getByRole('button', { name: 'Next: review', exact: true }));

    await page.getByLabel('File name in your repository', { exact: true }).fill(EXAMPLE_FILE);
    await previewSettled(page);

    const cli = convertHunts([{ file: EXAMPLE_FILE, source: exampleSource }], {
      formats: [...OUTPUT_FORMATS],
      statusMap: DEFAULT_STATUS_MAP,
      kqlFlavor: 'xdr',
      lookbackDays: 7
    });
    expect(await page.locator('#problems-list li.error').count()).toBe(0);
    expect(await page.locator('#problems-list li.warning').count()).toBe(cli.diagnostics.filter((d) => d.severity === 'warning').length);

    // Download: the file validates and means exactly the example.
    const [download] = await Promise.all([page.waitForEvent('download'), activate(page.getByRole('button', { name: 'Download YAML', exact: true }))]);
    expect(download.suggestedFilename()).toBe('aitm-proxy.yaml');
    const saved = readFileSync((await download.path())!, 'utf8');
    expect(parseYaml(saved)).toEqual(example);
    const reparsed = parseHuntReport(saved, EXAMPLE_FILE);
    expect(reparsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(reparsed.report).toEqual(parseHuntReport(exampleSource, EXAMPLE_FILE).report);
    expect(await page.locator('#yaml-output code').textContent()).toBe(saved);

    // Copy: the clipboard gets the same text.
    await activate(page.getByRole('button', { name: 'Copy YAML', exact: true }));
    await waitForText(page.locator('#yaml-status'), 'Copied the YAML to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(saved);

    // Previews: every tab, reached with the arrow keys, shows exactly the core's files.
    const expected = cli.files.filter((f) => f.format !== 'coverage');
    expect(expected.length).toBeGreaterThanOrEqual(OUTPUT_FORMATS.length);
    await page.getByRole('tab', { selected: true }).focus();
    for (const [i, format] of OUTPUT_FORMATS.entries()) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      const tab = page.getByRole('tab', { name: new RegExp(`^${escapeRegExp(FORMAT_LABELS[format])}`) });
      expect(await tab.getAttribute('aria-selected')).toBe('true');
      expect(await tab.evaluate((el) => el === document.activeElement)).toBe(true);
      const panel = page.getByRole('tabpanel');
      const mine = expected.filter((f) => f.format === format);
      expect(mine.length).toBeGreaterThan(0);
      expect(await panel.locator('figure').count()).toBe(mine.length);
      for (const file of mine) expect(await panel.locator(`figure[data-file-path="${file.path}"] code`).textContent()).toBe(file.content);
      if (format === 'sigma') await screenshot(page, 'step-4-review');
      if (format === 'kql') await screenshot(page, 'step-4-review-kql');
    }
    expect(await noHorizontalScroll(page)).toBe(true);
    expect(problems).toEqual([]);
    await close();
  }, 120_000);

  test('the previews are byte for byte what `peak-to-sigma convert` writes for the example', async () => {
    const { page, problems, close } = await openWizard(DESKTOP);
    await fillStep1(page);
    await activate(page.getByRole('button', { name: 'Next: data sources', exact: true }));
    await fillStep2(page);
    await activate(page.getByRole('button', { name: 'Next: findings', exact: true }));
    await fillStep3(page);
    await activate(page.getByRole('button', { name: 'Next: review', exact: true }));
    await page.getByLabel('File name in your repository', { exact: true }).fill(EXAMPLE_FILE);
    await previewSettled(page);

    const out = mkdtempSync(join(tmpdir(), 'wizard-cli-'));
    try {
      const messages: string[] = [];
      const io = { cwd: REPO_ROOT, env: {}, stdout: () => undefined, stderr: (t: string) => void messages.push(t) };
      expect(await convertCommand.run([EXAMPLE_FILE, '--out', out], io)).toBe(0);
      for (const line of messages.join('').trim().split('\n')) expect(line).toMatch(/^examples\/hunts\/aitm-proxy\.yaml:\d+:\d+: warning: /);
      const shown = await page.locator('figure[data-file-path]').evaluateAll((figures) =>
        figures.map((f) => ({ path: (f as HTMLElement).dataset.filePath!, content: f.querySelector('code')!.textContent! }))
      );
      expect(shown.length).toBeGreaterThan(0);
      for (const file of shown) expect(file.content).toBe(readFileSync(join(out, file.path), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
    await close();
  }, 120_000);

  test('an invalid technique id shows an inline error on that field, and the review links back to it', async () => {
    const { page, problems, close } = await openWizard(DESKTOP);
    await activate(page.getByRole('button', { name: /^3 Findings/ }));
    const finding = page.getByRole('group', { name: 'Finding 1', exact: true });
    const technique = finding.getByLabel('Technique ID', { exact: true });
    await technique.fill('T15');
    await technique.press('Tab');
    await previewSettled(page);

    const slot = await errorSlotOf(page, technique);
    await slot.waitFor({ state: 'visible' });
    expect(await slot.textContent()).toMatch(/^Error: .*T1557/);
    expect(await technique.getAttribute('aria-invalid')).toBe('true');
    expect(await describedText(technique)).toContain(await slot.textContent());
    // Fields the hunter has not reached yet stay quiet.
    expect(await finding.getByLabel('Description', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, 'step-3-invalid-technique');

    // The review lists it with a link that brings the focus back to the field.
    await activate(page.getByRole('button', { name: /^4 Review/ }));
    await previewSettled(page);
    const link = page.getByRole('button', { name: 'Step 3 Findings › Finding 1 › Technique ID', exact: true });
    await activate(link);
    expect(await technique.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.locator('#step-3').isVisible()).toBe(true);

    // Fixing it clears the error.
    await technique.fill('T1557.001');
    await technique.press('Tab');
    await previewSettled(page);
    expect(await slot.isHidden()).toBe(true);
    expect(await technique.getAttribute('aria-invalid')).toBeNull();
    expect(problems).toEqual([]);
    await close();
  }, 60_000);

  test('hostile text typed into the form stays text everywhere the page shows it', async () => {
    const { page, problems, close } = await openWizard(DESKTOP);
    const payload = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    await fillStep1(page);
    await page.getByLabel('Hunt name', { exact: true }).fill(payload);
    await activate(page.getByRole('button', { name: 'Next: data sources', exact: true }));
    const source = page.getByRole('group', { name: 'Data source 1', exact: true });
    await source.getByLabel('Name', { exact: true }).fill(payload);
    await source.getByLabel('Type', { exact: true }).selectOption('endpoint');
    await activate(page.getByRole('button', { name: 'Next: findings', exact: true }));
    const finding = page.getByRole('group', { name: 'Finding 1', exact: true });
    await finding.getByLabel('Technique ID', { exact: true }).fill('T1557.001');
    await finding.getByLabel('Tactic', { exact: true }).selectOption('Credential Access');
    await finding.getByLabel('Description', { exact: true }).fill(payload);
    await finding.getByLabel('Data source', { exact: true }).selectOption(payload);
    const ioc = finding.getByRole('group', { name: 'IOC 1', exact: true });
    await ioc.getByLabel('Type', { exact: true }).selectOption('command_line');
    await ioc.getByLabel('Value', { exact: true }).fill(payload);
    await page.getByLabel('Verdict', { exact: true }).fill(payload);
    await activate(page.getByRole('button', { name: 'Next: review', exact: true }));
    await previewSettled(page);

    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    const yaml = parseYaml((await page.locator('#yaml-output code').textContent())!) as HuntReport;
    expect(yaml.hunt.name).toBe(payload);
    expect(yaml.findings[0]!.iocs[0]!.value).toBe(payload);
    expect(await page.locator('#problems-list li.error').count()).toBe(0);
    // The rules carry the text too, shown as text.
    const sigma = (await page.getByRole('tabpanel').textContent())!;
    expect(sigma).toContain('onerror="window.pwned=1"');
    expect(problems).toEqual([]);
    await close();
  }, 60_000);

  test('on a 390 px wide phone nothing scrolls sideways', async () => {
    const { page, problems, close } = await openWizard(PHONE, true);
    expect(await noHorizontalScroll(page)).toBe(true);
    await fillStep1(page);
    await activate(page.getByRole('button', { name: 'Next: data sources', exact: true }));
    await fillStep2(page);
    expect(await noHorizontalScroll(page)).toBe(true);
    await activate(page.getByRole('button', { name: 'Next: findings', exact: true }));
    const finding = page.getByRole('group', { name: 'Finding 1', exact: true });
    await finding.getByLabel('Look up a technique', { exact: true }).fill('poison');
    await finding.getByRole('button', { name: /^T1557\.001 / }).waitFor();
    await finding.getByLabel('Data source', { exact: true }).selectOption(example.data_sources[0]!.name);
    const type = finding.getByRole('group', { name: 'IOC 1', exact: true }).getByLabel('Type', { exact: true });
    await page.waitForFunction((el) => (el as HTMLSelectElement).options[1]!.textContent!.includes('→'), await type.elementHandle());
    await type.selectOption('process_name');
    await previewSettled(page);
    expect(await noHorizontalScroll(page)).toBe(true);
    await screenshot(page, 'phone-390-step-3');
    await activate(page.getByRole('button', { name: 'Next: review', exact: true }));
    await previewSettled(page);
    expect(await noHorizontalScroll(page)).toBe(true);
    expect(problems).toEqual([]);
    await close();
  }, 60_000);

  test('keyboard and labels: every control is labelled, ids are unique, focus is visible', async () => {
    const { page, problems, close } = await openWizard(DESKTOP);
    // Grow every kind of row so the cloned templates are checked too.
    await activate(page.getByRole('button', { name: 'Next: data sources', exact: true }));
    await activate(page.getByRole('button', { name: 'Add data source', exact: true }));
    await activate(page.getByRole('button', { name: 'Next: findings', exact: true }));
    await activate(page.getByRole('button', { name: 'Add finding', exact: true }));
    await activate(page.getByRole('group', { name: 'Finding 2', exact: true }).getByRole('button', { name: 'Add IOC', exact: true }));
    await previewSettled(page);

    const audit = await page.evaluate(() => {
      const controls = Array.from(document.querySelectorAll('input, select, textarea')) as (HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement)[];
      const unlabelled = controls.filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')).map((c) => c.outerHTML.slice(0, 80));
      const nameless = Array.from(document.querySelectorAll('button')).filter((b) => !(b.textContent ?? '').trim()).map((b) => b.outerHTML.slice(0, 80));
      const ids = Array.from(document.querySelectorAll('[id]')).map((e) => e.id);
      const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
      const dangling = Array.from(document.querySelectorAll('[aria-describedby]')).flatMap((el) =>
        (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id && !document.getElementById(id))
      );
      return { count: controls.length, unlabelled, nameless, duplicates, dangling };
    });
    expect(audit.count).toBeGreaterThan(30);
    expect(audit).toMatchObject({ unlabelled: [], nameless: [], duplicates: [], dangling: [] });

    // Removing a row renumbers the rest and keeps the focus in the form.
    await activate(page.getByRole('button', { name: /^2 Data sources/ }));
    await page.getByRole('group', { name: 'Data source 2', exact: true }).getByLabel('Name', { exact: true }).fill('Second source');
    await activate(page.getByRole('button', { name: 'Remove data source 1', exact: true }));
    expect(await page.getByRole('group', { name: 'Data source 2', exact: true }).count()).toBe(0);
    const survivor = page.getByRole('group', { name: 'Data source 1', exact: true }).getByLabel('Name', { exact: true });
    expect(await survivor.inputValue()).toBe('Second source');
    expect(await survivor.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('button', { name: 'Remove data source 1', exact: true }).count()).toBe(1);
    await activate(page.getByRole('button', { name: /^3 Findings/ }));
    const secondFinding = page.getByRole('group', { name: 'Finding 2', exact: true });
    expect(await secondFinding.getByLabel('Data source', { exact: true }).locator('option').allTextContents()).toEqual(['Choose a data source', 'Second source']);
    await activate(secondFinding.getByRole('button', { name: 'Remove IOC 1', exact: true }));
    expect(await secondFinding.getByRole('group', { name: /^IOC / }).count()).toBe(1);
    expect(await secondFinding.getByRole('group', { name: 'IOC 1', exact: true }).getByLabel('Type', { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);

    // With no data source left, the error sits on the list, and the review names it.
    await activate(page.getByRole('button', { name: /^2 Data sources/ }));
    await activate(page.getByRole('button', { name: 'Remove data source 1', exact: true }));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Add data source');
    await previewSettled(page);
    expect(await page.locator('#f-data_sources-error').textContent()).toMatch(/^Error: .*data source/);
    await activate(page.getByRole('button', { name: /^4 Review/ }));
    await previewSettled(page);
    expect(await page.getByRole('button', { name: 'Step 2 Data sources › Data sources', exact: true }).count()).toBe(1);

    // Tab from the top of the page: the skip link, the steps, then the first field, each with a visible focus ring.
    await page.reload();
    await previewSettled(page);
    const ring = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return { label: el.textContent?.trim() || (el as HTMLInputElement).labels?.[0]?.textContent || el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
    const seen: string[] = [];
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      const focus = await ring();
      seen.push(focus.label);
      expect(focus.outline).not.toBe('none');
      expect(focus.width).toBeGreaterThanOrEqual(2);
    }
    expect(seen[0]).toBe('Skip to the form');
    expect(seen).toContain('Hunt name');
    expect(problems).toEqual([]);
    await close();
  }, 60_000);
});
