import bundled from './data/attack-enterprise-v18.1.json' with { type: 'json' };

export interface Tactic {
  id: string;
  /** ATT&CK shortname, used in Sigma tags and Navigator layers: `credential-access`. */
  shortname: string;
  name: string;
}

export interface Technique {
  id: string;
  name: string;
  tactics: string[];
  platforms?: string[];
  subtechnique?: boolean;
  deprecated?: boolean;
  revoked?: boolean;
}

/** The shape of `data/attack-enterprise-*.json` (derived from the mitre/cti STIX bundle). */
export interface CatalogueData {
  version: string;
  domain: string;
  tactics: Tactic[];
  techniques: Technique[];
}

export const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

/** Lookup over one ATT&CK release. Replace the data file to move to a newer release. */
export class AttackCatalogue {
  readonly version: string;
  readonly domain: string;
  readonly tactics: readonly Tactic[];
  readonly techniques: readonly Technique[];
  private readonly byId = new Map<string, Technique>();
  private readonly tacticByKey = new Map<string, Tactic>();

  constructor(data: CatalogueData) {
    this.version = data.version;
    this.domain = data.domain;
    this.tactics = data.tactics;
    this.techniques = data.techniques;
    for (const t of data.techniques) this.byId.set(t.id.toUpperCase(), t);
    for (const t of data.tactics) {
      this.tacticByKey.set(normaliseTacticKey(t.shortname), t);
      this.tacticByKey.set(normaliseTacticKey(t.name), t);
      this.tacticByKey.set(t.id.toUpperCase(), t);
    }
  }

  /** ATT&CK major version as Navigator wants it: "18.1" → "18". */
  get majorVersion(): string {
    return this.version.split('.')[0] ?? this.version;
  }

  technique(id: string): Technique | undefined {
    return this.byId.get(id.toUpperCase());
  }

  /** Accepts a tactic name ("Credential Access"), shortname ("credential-access", "credential_access") or id. */
  tactic(nameOrShortname: string): Tactic | undefined {
    return this.tacticByKey.get(normaliseTacticKey(nameOrShortname)) ?? this.tacticByKey.get(nameOrShortname.trim().toUpperCase());
  }

  /** Case-insensitive search by id prefix or words of the name; live techniques first. */
  search(query: string, limit = 20): Technique[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const words = q.split(/\s+/);
    const hits = this.techniques.filter((t) => {
      if (t.id.toLowerCase().startsWith(q)) return true;
      const name = t.name.toLowerCase();
      return words.every((w) => name.includes(w));
    });
    const rank = (t: Technique) => (t.deprecated || t.revoked ? 2 : 0) + (t.id.toLowerCase().startsWith(q) ? 0 : 1);
    return hits.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id)).slice(0, limit);
  }
}

function normaliseTacticKey(s: string): string {
  return s.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

let bundledCatalogue: AttackCatalogue | undefined;

/** The catalogue shipped with the tool (Enterprise ATT&CK v18.1). */
export function bundledAttackCatalogue(): AttackCatalogue {
  bundledCatalogue ??= new AttackCatalogue(bundled as CatalogueData);
  return bundledCatalogue;
}
