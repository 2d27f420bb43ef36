/** One problem found in a hunt report (or a mapping file), located for humans and for GitHub annotations. */
export interface Diagnostic {
  /** Path of the file as the user named it (repo-relative in the action). */
  file: string;
  /** 1-based line; 1 when the problem concerns the whole file. */
  line: number;
  /** 1-based column. */
  column: number;
  severity: 'error' | 'warning';
  message: string;
  /** Key path inside the document, e.g. ["findings", 0, "iocs", 1, "value"]; [] for the whole file. */
  path: (string | number)[];
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order: file, line, column, then errors before warnings. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)
  );
}
