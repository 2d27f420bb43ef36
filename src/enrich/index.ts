/**
 * The enrichment shell's surface for the CLI and the action (DESIGN.md §8). `planEnrichment` is the
 * one call a convert run needs; the rest is for callers that want finer control.
 */
export { ENRICHMENT_FILE, enrichmentPath } from '../core/enrichment.js';
export { DEFAULT_BASE_URLS, DEFAULT_MODELS, type EnrichConfig, type EnrichSettings, type EnrichSetup, resolveEnrichConfig } from './config.js';
export { type EnrichHuntInput, type EnrichHuntResult, enrichHunts, enrichmentCommentSection, enrichmentOutputFiles, type EnrichOptions, type EnrichRun } from './enrich.js';
export { type EnrichmentPlan, planEnrichment } from './plan.js';
