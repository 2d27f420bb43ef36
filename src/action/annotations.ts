import * as core from '@actions/core';
import { type Diagnostic, sortDiagnostics } from '../core/diagnostics.js';

/** GitHub shows this many annotations of each type per step and drops the rest silently. */
export const ANNOTATIONS_SHOWN_PER_TYPE = 10;

/**
 * One annotation per diagnostic, at its file, line and column (repository-relative paths, so
 * GitHub also shows them in the PR's "Files changed"). Errors first, each type in file order.
 * Returns a note for the summary when GitHub will hide some of them.
 */
export function annotate(diagnostics: readonly Diagnostic[]): string | undefined {
  const sorted = sortDiagnostics(diagnostics);
  const errors = sorted.filter((d) => d.severity === 'error');
  const warnings = sorted.filter((d) => d.severity === 'warning');
  for (const d of errors) core.error(d.message, properties(d));
  for (const d of warnings) core.warning(d.message, properties(d));
  const hidden = Math.max(0, errors.length - ANNOTATIONS_SHOWN_PER_TYPE) + Math.max(0, warnings.length - ANNOTATIONS_SHOWN_PER_TYPE);
  return hidden
    ? `GitHub shows only ${ANNOTATIONS_SHOWN_PER_TYPE} error and ${ANNOTATIONS_SHOWN_PER_TYPE} warning annotations per step; ${hidden} more are listed below.`
    : undefined;
}

function properties(d: Diagnostic): core.AnnotationProperties {
  return { title: `peak-to-sigma ${d.severity}`, file: d.file, startLine: d.line, startColumn: d.column };
}
