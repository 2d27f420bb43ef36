import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { KNOWN_KEYS } from '../src/core/hunt/schema.js';
import {
  DraftDataSourceSchema,
  DraftFindingSchema,
  DraftHuntSchema,
  DraftIocSchema,
  DraftReportSchema,
  draftToReport,
  reportToYaml,
  type DraftReport
} from '../src/wizard/draft.js';

const blankFinding = (): DraftReport['findings'][number] => ({
  tactic: '',
  technique: '',
  technique_name: '',
  confirmed: false,
  description: '',
  data_source_ref: '',
  iocs: [],
  falsepositives: [],
  level: ''
});

const blankDraft = (): DraftReport => ({
  hunt: { id: '', name: '', hypothesis: '', analyst: '', date: '', peak_phase: '', hunt_type: '', references: [] },
  data_sources: [],
  findings: [],
  verdict: ''
});

describe('wizard draft: the form the page posts', () => {
  test('has exactly the hunt schema’s fields, so a new schema field cannot be forgotten here', () => {
    expect(Object.keys(DraftReportSchema.shape).sort()).toEqual([...KNOWN_KEYS.report].sort());
    expect(Object.keys(DraftHuntSchema.shape).sort()).toEqual([...KNOWN_KEYS.hunt].sort());
    expect(Object.keys(DraftDataSourceSchema.shape).sort()).toEqual([...KNOWN_KEYS.data_source].sort());
    expect(Object.keys(DraftFindingSchema.shape).sort()).toEqual([...KNOWN_KEYS.finding].sort());
    expect(Object.keys(DraftIocSchema.shape).sort()).toEqual([...KNOWN_KEYS.ioc].sort());
  });

  test('blank optional fields are left out, blank required ones kept, rows never dropped', () => {
    const draft = blankDraft();
    draft.hunt.references = ['', '  https://example.org/a  ', ''];
    draft.data_sources = [{ name: '', type: '', coverage: '' }];
    draft.findings = [{ ...blankFinding(), iocs: [{ type: '', value: '', match: '' }, { type: 'ip', value: '203.0.113.47', match: 'exact' }], falsepositives: ['', ' '] }];
    expect(draftToReport(draft)).toEqual({
      hunt: { name: '', hypothesis: '', analyst: '', date: '', peak_phase: '', references: ['https://example.org/a'] },
      data_sources: [{ name: '', type: '' }],
      findings: [
        {
          tactic: '',
          technique: '',
          confirmed: false,
          description: '',
          data_source_ref: '',
          iocs: [
            { type: '', value: '' },
            { type: 'ip', value: '203.0.113.47', match: 'exact' }
          ]
        }
      ],
      verdict: ''
    });
  });

  test('a port typed as digits becomes a number; other values stay the text typed', () => {
    const draft = blankDraft();
    draft.findings = [
      {
        ...blankFinding(),
        iocs: [
          { type: 'network_port', value: '443', match: '' },
          { type: 'network_port', value: 'https', match: '' },
          { type: 'process_name', value: '0443', match: '' }
        ]
      }
    ];
    const iocs = (draftToReport(draft).findings as { iocs: { value: unknown }[] }[])[0]!.iocs.map((i) => i.value);
    expect(iocs).toEqual([443, 'https', '0443']);
  });
});

describe('wizard draft: the YAML it saves', () => {
  test('strings YAML 1.1 would misread are quoted; the text reads the same under 1.1 and 1.2', () => {
    const report = { hunt: { date: '2026-04-08', a: 'yes', b: 'off', c: '0o17', d: '1e3', e: 'null', f: '~', g: '12:30:00', h: 'plain words' } };
    const yaml = reportToYaml(report);
    expect(yaml).toContain('date: "2026-04-08"');
    expect(yaml).toContain('a: "yes"');
    expect(yaml).toContain('g: "12:30:00"');
    expect(yaml).toContain('h: plain words');
    expect(parseYaml(yaml)).toEqual(report);
    expect(parseYaml(yaml, { version: '1.1' })).toEqual(report);
  });

  test('property: any strings survive the round trip under both YAML versions', () => {
    const tricky = fc.constantFrom('yes', 'No', 'ON', 'y', '0x1F', '0b101', '0o17', '017', '1_000', '1e3', '.5', '.inf', '-.NaN', '2026-04-08', '2026-04-08T10:00:00Z', '1:20', 'null', 'Null', '~', '', ' lead', 'trail ', '#x', '- a', '? q', '[a]', '{a: b}', 'a: b', '"q"', "'q'", '*alias', '&anchor', '!tag', '%x', '@x', '`x', '|', '>', 'C:\\Windows\\*.exe', 'line1\nline2', 'end\n', '\ttab', 'é→😀');
    const value = fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
    const report = fc.record({
      hunt: fc.record({ name: value, date: value }),
      findings: fc.array(fc.record({ description: value, iocs: fc.array(fc.record({ type: fc.constant('url'), value }), { maxLength: 3 }) }), { maxLength: 3 }),
      verdict: value
    });
    fc.assert(
      fc.property(report, (r) => {
        const yaml = reportToYaml(r);
        expect(parseYaml(yaml)).toEqual(r);
        expect(parseYaml(yaml, { version: '1.1' })).toEqual(r);
      }),
      { numRuns: 300 }
    );
  });
});
