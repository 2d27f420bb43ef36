// Synthetic hunt reports for `npm run bench`: valid PEAK reports whose findings cover endpoint,
// network and proxy log sources, with IOC values that need escaping in every query language.
import { readFileSync } from 'node:fs';

const catalogue = JSON.parse(readFileSync(new URL('../src/core/data/attack-enterprise-v18.1.json', import.meta.url), 'utf8'));
const tacticNames = new Map(catalogue.tactics.map((t) => [t.shortname, t.name]));
const cells = catalogue.techniques
  .filter((t) => !t.deprecated && !t.revoked)
  .flatMap((t) => t.tactics.map((shortname) => ({ id: t.id, name: t.name, tactic: tacticNames.get(shortname) })));

const hex = (n, width) => n.toString(16).padStart(width, '0').slice(-width);
const q = (s) => JSON.stringify(s);

/** Three findings × four IOCs, all different per hunt so no two rules are alike. */
function findings(i) {
  const cell = (k) => cells[(i * 3 + k) % cells.length];
  return [
    {
      source: 'Defender EDR',
      iocs: [
        ['process_name', `tool_${i}.exe`],
        ['command_line', `powershell -enc "${i}" C:\\Temp\\*${i}%_?.ps1 | out-null`],
        ['parent_process', `C:\\Program Files (x86)\\Vendor ${i}\\launcher.exe`],
        ['hash_sha256', hex(i * 2654435761, 8).repeat(8)]
      ]
    },
    {
      source: 'Firewall',
      iocs: [
        ['ip', `198.51.${i % 256}.${(i * 7) % 254 + 1}`],
        ['domain', `c2-${i}.example.com`],
        ['network_port', 1024 + (i % 60000)],
        ['ip', `2001:db8::${hex(i, 4)}`]
      ]
    },
    {
      source: 'Web proxy',
      iocs: [
        ['url', `https://cdn-${i}.example.net/payload.php?id=${i}&q='x'`],
        ['user_agent', `Mozilla/5.0 (Bench ${i}) "quoted" \\backslash\\`],
        ['domain', `drop-${i}.example.org`],
        ['url', `/api/v${i % 9}/upload`]
      ]
    }
  ].map((f, k) => ({ ...f, cell: cell(k), confirmed: (i + k) % 2 === 0 }));
}

export function benchHunt(i) {
  const id = `H-${String(i).padStart(5, '0')}`;
  const lines = [
    'hunt:',
    `  id: ${id}`,
    `  name: ${q(`Synthetic hunt ${i}`)}`,
    `  hypothesis: ${q(`Adversaries use tooling variant ${i}.`)}`,
    `  analyst: "Bench Analyst"`,
    `  date: "2026-04-${String((i % 28) + 1).padStart(2, '0')}"`,
    `  peak_phase: ${['Unscoped', 'Scoped', 'Validated'][i % 3]}`,
    'data_sources:',
    '  - { name: "Defender EDR", type: endpoint }',
    '  - { name: "Firewall", type: network }',
    '  - { name: "Web proxy", type: proxy }',
    'findings:'
  ];
  for (const f of findings(i)) {
    lines.push(
      `  - tactic: ${q(f.cell.tactic)}`,
      `    technique: ${f.cell.id}`,
      `    confirmed: ${f.confirmed}`,
      `    description: ${q(`Finding on ${f.cell.name} in hunt ${i}.`)}`,
      `    data_source_ref: ${q(f.source)}`,
      '    iocs:',
      ...f.iocs.map(([type, value]) => `      - { type: ${type}, value: ${q(value)} }`)
    );
  }
  lines.push(`verdict: ${q(`Synthetic verdict ${i}.`)}`, '');
  return lines.join('\n');
}
