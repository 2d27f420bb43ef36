/**
 * The wizard page (eta, autoEscape on: every `<%= %>` is HTML-escaped). Inlined as a string
 * because the CLI ships as one bundled file. No inline script or style: the CSP forbids both.
 * Rows (data sources, findings, IOCs) are `<template>`s the page script clones and numbers.
 */
export const PAGE_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>peak-to-sigma wizard</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/wizard.css">
<script src="/assets/wizard.js" defer></script>
</head>
<body data-preview="idle">
<a class="skip" href="#main">Skip to the form</a>
<header class="page-header">
  <h1>peak-to-sigma <span class="sub">hunt report wizard</span></h1>
  <p>Describe a threat hunt in four steps and get its detection rules in Sigma, KQL, SPL and Databricks SQL plus an ATT&amp;CK Navigator layer. No YAML required; nothing leaves this computer.</p>
  <nav aria-label="Wizard steps">
    <ol class="steps">
<% it.steps.forEach(function (s) { %>
      <li><button type="button" class="step-link" data-goto="<%= s.n %>"<% if (s.n === 1) { %> aria-current="step"<% } %>><span class="step-n"><%= s.n %></span> <%= s.title %> <span class="badge" data-badge="<%= s.n %>"></span></button></li>
<% }) %>
    </ol>
  </nav>
  <p id="preview-status" class="preview-status" role="status">Preview: waiting for input.</p>
</header>

<main id="main">
<noscript><p class="field-error">The wizard needs JavaScript to add rows and show the live preview. Without it, write the hunt report by hand (see the README) and run peak-to-sigma validate.</p></noscript>
<form id="wizard" novalidate>

<section class="step" id="step-1" data-step="1" aria-labelledby="step-1-title">
  <h2 id="step-1-title" tabindex="-1">Step 1 of 4: the hunt and its PEAK phase</h2>
  <p class="intro">Who hunted what, when, and how far the hunt got.</p>
  <div class="grid">
    <div class="field wide">
      <label for="f-hunt-name">Hunt name</label>
      <input id="f-hunt-name" data-path="hunt.name" type="text" autocomplete="off" aria-describedby="f-hunt-name-error">
      <p class="field-error" id="f-hunt-name-error" hidden></p>
    </div>
    <div class="field">
      <label for="f-hunt-id">Hunt ID (optional)</label>
      <input id="f-hunt-id" data-path="hunt.id" type="text" autocomplete="off" aria-describedby="f-hunt-id-hint f-hunt-id-error">
      <p class="hint" id="f-hunt-id-hint">PEAK type prefix H (hypothesis), B (baseline) or M (model-assisted), a dash, then a number: H-0042. Rule ids and the output directory derive from it.</p>
      <p class="field-error" id="f-hunt-id-error" hidden></p>
    </div>
    <div class="field">
      <label for="f-hunt-hunt_type">Hunt type (optional)</label>
      <select id="f-hunt-hunt_type" data-path="hunt.hunt_type" aria-describedby="f-hunt-hunt_type-error">
        <option value="">Not stated</option>
<% it.huntTypes.forEach(function (t) { %>
        <option value="<%= t %>"><%= t %></option>
<% }) %>
      </select>
      <p class="field-error" id="f-hunt-hunt_type-error" hidden></p>
    </div>
    <div class="field wide">
      <label for="f-hunt-hypothesis">Hypothesis</label>
      <textarea id="f-hunt-hypothesis" data-path="hunt.hypothesis" rows="3" aria-describedby="f-hunt-hypothesis-hint f-hunt-hypothesis-error"></textarea>
      <p class="hint" id="f-hunt-hypothesis-hint">What you expected an adversary to be doing, stated so that the hunt can prove or disprove it.</p>
      <p class="field-error" id="f-hunt-hypothesis-error" hidden></p>
    </div>
    <div class="field">
      <label for="f-hunt-analyst">Analyst</label>
      <input id="f-hunt-analyst" data-path="hunt.analyst" type="text" autocomplete="name" aria-describedby="f-hunt-analyst-hint f-hunt-analyst-error">
      <p class="hint" id="f-hunt-analyst-hint">Becomes the rules' author.</p>
      <p class="field-error" id="f-hunt-analyst-error" hidden></p>
    </div>
    <div class="field">
      <label for="f-hunt-date">Date</label>
      <input id="f-hunt-date" data-path="hunt.date" type="date" value="<%= it.today %>" aria-describedby="f-hunt-date-hint f-hunt-date-error">
      <p class="hint" id="f-hunt-date-hint">When the hunt ran (YYYY-MM-DD); becomes the rules' date.</p>
      <p class="field-error" id="f-hunt-date-error" hidden></p>
    </div>
  </div>
  <fieldset class="phases" id="f-hunt-peak_phase" data-path="hunt.peak_phase" aria-describedby="f-hunt-peak_phase-hint f-hunt-peak_phase-error">
    <legend>PEAK phase</legend>
    <p class="hint" id="f-hunt-peak_phase-hint">How far the hunt got. The further it got, the more its rules are trusted: the phase sets the Sigma status of every rule (status map in use: <%= it.statusMapText %>).</p>
<% it.phases.forEach(function (p) { %>
    <div class="phase">
      <input type="radio" name="peak_phase" id="f-phase-<%= p.phase %>" value="<%= p.phase %>" aria-describedby="f-phase-<%= p.phase %>-hint">
      <label for="f-phase-<%= p.phase %>"><%= p.phase %></label>
      <p class="hint" id="f-phase-<%= p.phase %>-hint"><%= p.help %> Rules get Sigma status <code><%= p.status %></code>.</p>
    </div>
<% }) %>
    <p class="field-error" id="f-hunt-peak_phase-error" hidden></p>
  </fieldset>
  <div class="field wide">
    <label for="f-hunt-references">References (optional, one per line)</label>
    <textarea id="f-hunt-references" data-path="hunt.references" data-lines rows="2" aria-describedby="f-hunt-references-hint f-hunt-references-error"></textarea>
    <p class="hint" id="f-hunt-references-hint">Reports, tickets or articles behind the hunt. Each line becomes a rule reference.</p>
    <p class="field-error" id="f-hunt-references-error" hidden></p>
  </div>
  <div class="step-nav"><button type="button" class="primary" data-goto="2">Next: data sources</button></div>
</section>

<section class="step" id="step-2" data-step="2" aria-labelledby="step-2-title" hidden>
  <h2 id="step-2-title" tabindex="-1">Step 2 of 4: data sources</h2>
  <p class="intro">The logs you hunted in. A finding names one of them; its type decides which table and field each IOC lands in.</p>
  <div class="rows" id="f-data_sources" data-path="data_sources" data-label="Data sources" data-list="data_sources"></div>
  <p class="field-error" id="f-data_sources-error" hidden></p>
  <p><button type="button" data-action="add-data-source">Add data source</button></p>
  <div class="field">
    <label for="f-kqlFlavor">KQL flavour</label>
    <select id="f-kqlFlavor" data-local aria-describedby="f-kqlFlavor-hint">
<% it.kqlFlavors.forEach(function (k) { %>
      <option value="<%= k.flavor %>"<% if (k.flavor === it.defaultKqlFlavor) { %> selected<% } %>><%= k.label %></option>
<% }) %>
    </select>
    <p class="hint" id="f-kqlFlavor-hint">Which Microsoft schema the KQL field hints and the KQL preview use (the CLI's --kql-flavor).</p>
  </div>
  <div class="step-nav"><button type="button" data-goto="1">Back</button> <button type="button" class="primary" data-goto="3">Next: findings</button></div>
</section>

<section class="step" id="step-3" data-step="3" aria-labelledby="step-3-title" hidden>
  <h2 id="step-3-title" tabindex="-1">Step 3 of 4: findings</h2>
  <p class="intro">What the hunt found: one finding per ATT&amp;CK technique, with the IOCs that detect it. ATT&amp;CK Enterprise <%= it.catalogueVersion %> is bundled for the look-up.</p>
  <div class="rows" id="f-findings" data-path="findings" data-label="Findings" data-list="findings"></div>
  <p class="field-error" id="f-findings-error" hidden></p>
  <p><button type="button" data-action="add-finding">Add finding</button></p>
  <div class="field wide">
    <label for="f-verdict">Verdict</label>
    <textarea id="f-verdict" data-path="verdict" rows="3" aria-describedby="f-verdict-hint f-verdict-error"></textarea>
    <p class="hint" id="f-verdict-hint">The hunt's conclusion: what was confirmed, what was deployed, what happens next.</p>
    <p class="field-error" id="f-verdict-error" hidden></p>
  </div>
  <div class="step-nav"><button type="button" data-goto="2">Back</button> <button type="button" class="primary" data-goto="4">Next: review</button></div>
</section>

<section class="step" id="step-4" data-step="4" aria-labelledby="step-4-title" hidden>
  <h2 id="step-4-title" tabindex="-1">Step 4 of 4: review</h2>
  <p class="intro">The hunt report and everything the CLI would generate from it, computed by the same core (lookback <%= it.lookbackDays %> days).</p>
  <div id="problems" class="problems">
    <h3>Problems</h3>
    <p id="problems-none">None found.</p>
    <ul id="problems-list"></ul>
  </div>
  <div class="field">
    <label for="f-fileName">File name in your repository</label>
    <input id="f-fileName" data-path="fileName" data-local type="text" autocomplete="off" aria-describedby="f-fileName-hint f-fileName-error">
    <p class="hint" id="f-fileName-hint">Where you will commit the hunt; leave it empty to use the suggestion. The download gets its last part as its name.</p>
    <p class="field-error" id="f-fileName-error" hidden></p>
  </div>
  <h3 id="yaml-title">Hunt report (YAML)</h3>
  <p class="actions">
    <button type="button" class="primary" data-action="download-yaml">Download YAML</button>
    <button type="button" data-action="copy-yaml">Copy YAML</button>
    <span id="yaml-status" role="status"></span>
  </p>
  <pre id="yaml-output" class="code" tabindex="0" aria-labelledby="yaml-title"><code></code></pre>
  <h3 id="outputs-title">Generated detections</h3>
  <div class="tabs" role="tablist" aria-labelledby="outputs-title">
<% it.formats.forEach(function (f, i) { %>
    <button type="button" role="tab" id="tab-<%= f.format %>" aria-controls="panel-<%= f.format %>" aria-selected="<%= i === 0 ? 'true' : 'false' %>" tabindex="<%= i === 0 ? '0' : '-1' %>" data-format="<%= f.format %>"><%= f.label %> <span class="count" data-count="<%= f.format %>"></span></button>
<% }) %>
  </div>
<% it.formats.forEach(function (f, i) { %>
  <div class="panel" role="tabpanel" id="panel-<%= f.format %>" aria-labelledby="tab-<%= f.format %>" data-panel="<%= f.format %>"<% if (i !== 0) { %> hidden<% } %>>
    <p class="empty">Nothing yet: fix the problems listed above.</p>
  </div>
<% }) %>
  <div class="step-nav"><button type="button" data-goto="3">Back</button></div>
</section>

</form>
</main>
<footer class="page-footer"><p>ATT&amp;CK&reg; Enterprise <%= it.catalogueVersion %> &copy; The MITRE Corporation, used under the ATT&amp;CK terms of use.</p></footer>

<template id="tpl-data-source">
  <fieldset class="row data-source" data-row="data_sources">
    <legend>Data source</legend>
    <p class="field-error" data-row-error hidden></p>
    <div class="grid">
      <div class="field">
        <label data-for="name">Name</label>
        <input type="text" data-field="name" autocomplete="off">
        <p class="hint" data-hint-of="name">A finding refers to the data source by this name.</p>
        <p class="field-error" data-error-of="name" hidden></p>
      </div>
      <div class="field">
        <label data-for="type">Type</label>
        <select data-field="type">
          <option value="" data-help="Choose what kind of log this is.">Choose a type</option>
<% it.dataSourceTypes.forEach(function (d) { %>
          <option value="<%= d.type %>" data-help="<%= d.help %>"><%= d.type %></option>
<% }) %>
        </select>
        <p class="hint" data-hint-of="type">Choose what kind of log this is.</p>
        <p class="field-error" data-error-of="type" hidden></p>
      </div>
      <div class="field">
        <label data-for="coverage">Coverage (optional)</label>
        <select data-field="coverage">
          <option value="">Not stated</option>
<% it.coverageLevels.forEach(function (c) { %>
          <option value="<%= c %>"><%= c %></option>
<% }) %>
        </select>
        <p class="hint" data-hint-of="coverage">How much of the estate this source sees.</p>
        <p class="field-error" data-error-of="coverage" hidden></p>
      </div>
    </div>
    <button type="button" class="remove" data-action="remove-row">Remove data source</button>
  </fieldset>
</template>

<template id="tpl-finding">
  <fieldset class="row finding" data-row="findings">
    <legend>Finding</legend>
    <p class="field-error" data-row-error hidden></p>
    <div class="lookup">
      <div class="field">
        <label data-for="technique_lookup">Look up a technique</label>
        <input type="search" data-field="technique_lookup" data-local autocomplete="off" spellcheck="false">
        <p class="hint" data-hint-of="technique_lookup">Type an id (T1557) or words of its name (poison), then pick a result; Down arrow moves to the results.</p>
      </div>
      <p class="lookup-status" data-lookup-status role="status"></p>
      <ul class="lookup-results" data-lookup-results></ul>
    </div>
    <div class="grid">
      <div class="field">
        <label data-for="technique">Technique ID</label>
        <input type="text" data-field="technique" autocomplete="off" spellcheck="false">
        <p class="hint" data-hint-of="technique"><%= it.help.technique %></p>
        <p class="field-error" data-error-of="technique" hidden></p>
      </div>
      <div class="field">
        <label data-for="technique_name">Technique name (optional)</label>
        <input type="text" data-field="technique_name" autocomplete="off">
        <p class="hint" data-hint-of="technique_name">Checked against the catalogue; a mismatch is a warning.</p>
        <p class="field-error" data-error-of="technique_name" hidden></p>
      </div>
      <div class="field">
        <label data-for="tactic">Tactic</label>
        <select data-field="tactic">
          <option value="">Choose a tactic</option>
<% it.tactics.forEach(function (t) { %>
          <option value="<%= t.name %>" data-shortname="<%= t.shortname %>"><%= t.name %> (<%= t.id %>)</option>
<% }) %>
        </select>
        <p class="hint" data-hint-of="tactic"><%= it.help.tactic %></p>
        <p class="field-error" data-error-of="tactic" hidden></p>
      </div>
      <div class="field check">
        <input type="checkbox" data-field="confirmed">
        <label data-for="confirmed">Confirmed</label>
        <p class="hint" data-hint-of="confirmed"><%= it.help.confirmed %></p>
        <p class="field-error" data-error-of="confirmed" hidden></p>
      </div>
      <div class="field wide">
        <label data-for="description">Description</label>
        <textarea data-field="description" rows="3"></textarea>
        <p class="hint" data-hint-of="description">What was observed; becomes the rules' description.</p>
        <p class="field-error" data-error-of="description" hidden></p>
      </div>
      <div class="field">
        <label data-for="data_source_ref">Data source</label>
        <select data-field="data_source_ref">
          <option value="">Choose a data source</option>
        </select>
        <p class="hint" data-hint-of="data_source_ref">One of the data sources of step 2: where the finding was seen.</p>
        <p class="field-error" data-error-of="data_source_ref" hidden></p>
      </div>
      <div class="field">
        <label data-for="level">Level (optional)</label>
        <select data-field="level">
          <option value="">From the confirmed flag</option>
<% it.sigmaLevels.forEach(function (l) { %>
          <option value="<%= l %>"><%= l %></option>
<% }) %>
        </select>
        <p class="hint" data-hint-of="level">Overrides the Sigma level (confirmed: high, unconfirmed: medium).</p>
        <p class="field-error" data-error-of="level" hidden></p>
      </div>
    </div>
    <fieldset class="iocs" data-group="iocs">
      <legend>IOCs</legend>
      <p class="hint"><%= it.help.ioc %></p>
      <div class="rows" data-list="iocs"></div>
      <p class="field-error" data-error-of="iocs" hidden></p>
      <p><button type="button" data-action="add-ioc">Add IOC</button></p>
    </fieldset>
    <div class="field wide">
      <label data-for="falsepositives">False positives (optional, one per line)</label>
      <textarea data-field="falsepositives" data-lines rows="2"></textarea>
      <p class="hint" data-hint-of="falsepositives">Known benign causes; each line becomes a Sigma falsepositives entry.</p>
      <p class="field-error" data-error-of="falsepositives" hidden></p>
    </div>
    <button type="button" class="remove" data-action="remove-row">Remove finding</button>
  </fieldset>
</template>

<template id="tpl-ioc">
  <fieldset class="row ioc" data-row="iocs">
    <legend>IOC</legend>
    <p class="field-error" data-row-error hidden></p>
    <div class="grid">
      <div class="field">
        <label data-for="type">Type</label>
        <select data-field="type">
          <option value="">Choose a type</option>
<% it.iocTypes.forEach(function (t) { %>
          <option value="<%= t %>"><%= t %></option>
<% }) %>
        </select>
        <p class="field-error" data-error-of="type" hidden></p>
      </div>
      <div class="field">
        <label data-for="value">Value</label>
        <input type="text" data-field="value" autocomplete="off" spellcheck="false">
        <p class="hint" data-hint-of="value">A literal: * and ? are characters, not wildcards (use Match for patterns).</p>
        <p class="field-error" data-error-of="value" hidden></p>
      </div>
      <div class="field">
        <label data-for="match">Match (optional)</label>
        <select data-field="match">
          <option value="">Default for the type</option>
<% it.iocMatches.forEach(function (m) { %>
          <option value="<%= m.match %>"><%= m.match %>: <%= m.help %></option>
<% }) %>
        </select>
        <p class="field-error" data-error-of="match" hidden></p>
      </div>
    </div>
    <p class="hint lands-in" data-hint-of="type">Choose the finding's data source to see where each IOC type lands.</p>
    <button type="button" class="remove" data-action="remove-row">Remove IOC</button>
  </fieldset>
</template>
</body>
</html>
`;
