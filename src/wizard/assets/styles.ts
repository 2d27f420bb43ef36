/** The wizard's stylesheet (`/assets/wizard.css`); a string because the CLI ships as one bundled file. */
export const STYLESHEET = `
:root {
  --ink: #1b1f24;
  --muted: #4a525c;
  --line: #c4cad1;
  --paper: #ffffff;
  --wash: #f3f5f7;
  --accent: #0b57d0;
  --accent-ink: #ffffff;
  --error: #b3261e;
  --warning: #7a4b00;
  --focus: #0b57d0;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--ink);
  background: var(--paper);
  line-height: 1.45;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; }
main, .page-header, .page-footer { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.25rem; }
h1 .sub { font-weight: 400; color: var(--muted); }
h2 { font-size: 1.25rem; margin: 1.25rem 0 0.25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
p { margin: 0.25rem 0 0.75rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 1rem; top: 0.5rem; background: var(--paper); padding: 0.25rem 0.5rem; z-index: 1; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
h2:focus { outline: none; }
h2:focus-visible { outline: 3px solid var(--focus); }

.steps { list-style: none; display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0; margin: 0.75rem 0 0.25rem; }
.step-link { border: 1px solid var(--line); background: var(--wash); color: var(--ink); border-radius: 999px; padding: 0.35rem 0.8rem; font: inherit; cursor: pointer; }
.step-link[aria-current="step"] { background: var(--accent); color: var(--accent-ink); border-color: var(--accent); font-weight: 600; }
.step-n { font-weight: 700; }
.badge:not(:empty) { display: inline-block; margin-left: 0.25rem; padding: 0 0.4rem; border-radius: 999px; background: var(--error); color: #fff; font-size: 0.8em; }
.preview-status { color: var(--muted); font-size: 0.9rem; }

.intro { color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: 0.25rem 1rem; }
.grid > * { min-width: 0; }
.wide { grid-column: 1 / -1; }
.field { margin: 0 0 0.75rem; min-width: 0; }
.field > label, .phase > label { display: block; font-weight: 600; margin-bottom: 0.2rem; }
input[type="text"], input[type="search"], input[type="date"], select, textarea {
  width: 100%; max-width: 100%; font: inherit; color: inherit; background: var(--paper);
  border: 1px solid #6b737c; border-radius: 4px; padding: 0.4rem 0.5rem;
}
textarea { resize: vertical; }
[aria-invalid="true"] { border-color: var(--error); box-shadow: 0 0 0 1px var(--error); }
.field.check { display: grid; grid-template-columns: auto 1fr; column-gap: 0.5rem; align-items: start; }
.field.check > input { width: 1.2rem; height: 1.2rem; margin: 0.15rem 0 0; }
.field.check > label { margin: 0; }
.field.check > .hint, .field.check > .field-error { grid-column: 1 / -1; }
.hint { color: var(--muted); font-size: 0.88rem; margin: 0.2rem 0 0; overflow-wrap: anywhere; }
.field-error { margin: 0.2rem 0 0; font-size: 0.9rem; font-weight: 600; }
.field-error > span { display: block; }
.field-error .error { color: var(--error); }
.field-error .warning { color: var(--warning); }

fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: 0.5rem 1rem 0.75rem; min-width: 0; }
legend { font-weight: 700; padding: 0 0.25rem; }
fieldset.finding { background: var(--wash); }
fieldset.ioc, fieldset.iocs { background: var(--paper); }
.phases .phase { display: grid; grid-template-columns: auto 1fr; column-gap: 0.5rem; margin: 0.5rem 0; }
.phases .phase > input { margin: 0.3rem 0 0; width: 1.1rem; height: 1.1rem; }
.phases .phase > label { margin: 0; }
.phases .phase > .hint { grid-column: 2; }

button { font: inherit; border: 1px solid #6b737c; background: var(--paper); color: var(--ink); border-radius: 4px; padding: 0.4rem 0.8rem; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); font-weight: 600; }
button.remove { color: var(--error); border-color: var(--error); }
button.link { border: 0; padding: 0; background: none; color: var(--accent); text-decoration: underline; text-align: left; }
.step-nav { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: flex-end; margin: 1rem 0 2rem; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }

fieldset.ioc > .grid { grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); }
.lands-in { white-space: pre-line; margin: 0 0 0.5rem; padding: 0.4rem 0.6rem; background: var(--wash); border-radius: 4px; }
.lookup { margin-bottom: 0.5rem; }
.lookup-status { font-size: 0.9rem; color: var(--muted); margin: 0; }
.lookup-results { list-style: none; margin: 0.25rem 0 0.75rem; padding: 0; display: grid; gap: 0.25rem; }
.lookup-results button { width: 100%; text-align: left; overflow-wrap: anywhere; }

.problems { border-left: 4px solid var(--line); padding: 0.25rem 0 0.25rem 0.75rem; margin: 0.5rem 0 1rem; }
.problems li { margin: 0.25rem 0; overflow-wrap: anywhere; }
.problems li.error strong { color: var(--error); }
.problems li.warning strong { color: var(--warning); }

.code { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; margin: 0 0 1rem; overflow-x: auto; max-width: 100%; font-size: 0.85rem; line-height: 1.4; white-space: pre; }
#yaml-output { max-height: 28rem; overflow-y: auto; }
.tabs { display: flex; flex-wrap: wrap; gap: 0.25rem; border-bottom: 2px solid var(--line); margin-bottom: 0.75rem; }
[role="tab"] { border: 1px solid var(--line); border-bottom: 0; border-radius: 6px 6px 0 0; background: var(--wash); }
[role="tab"][aria-selected="true"] { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); font-weight: 600; }
.file { margin: 0 0 1rem; }
.file figcaption { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; font-weight: 600; margin-bottom: 0.25rem; overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; }
.page-footer { color: var(--muted); font-size: 0.8rem; border-top: 1px solid var(--line); margin-top: 2rem; padding-top: 0.5rem; }

@media (max-width: 30rem) {
  main, .page-header, .page-footer { padding: 0 0.6rem; }
  fieldset { padding: 0.5rem 0.6rem 0.6rem; }
  h1 { font-size: 1.25rem; }
  .step-link { padding: 0.3rem 0.6rem; }
}
`;

/** A small local icon: the page must not fetch anything from elsewhere. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b57d0"/><path d="M4 11l3-6 2 4 1-2 2 4" stroke="#fff" stroke-width="1.5" fill="none"/></svg>
`;
