/**
 * The wizard's browser script, served as `/assets/wizard.js` (plain modern JS, no build step; a
 * string because the CLI ships as one bundled file). It only moves data between the form and the
 * server: validation, YAML and conversion all happen server-side in the core. Every server string
 * reaches the page through `textContent`, never as HTML.
 */
export const CLIENT_SCRIPT = String.raw`'use strict';
(() => {
  const form = document.getElementById('wizard');
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const state = {
    step: 1,
    left: new Set(),
    seq: 0,
    dirty: false,
    timer: 0,
    inflight: null,
    last: null,
    routes: new Map(),
    lookupTimers: new WeakMap()
  };

  // ---------------------------------------------------------------------------------------------
  // Rows: cloned from <template>s, numbered, and wired (ids, labels, hints, error slots).

  const ownElements = (row, selector) => $$(selector, row).filter((el) => el.closest('[data-row]') === row);
  const listOf = (name, root) => $('[data-list="' + name + '"]', root);
  const rowsOf = (name, root) => Array.from(listOf(name, root).children).filter((el) => el.matches('[data-row]'));
  const idFor = (path) => 'f-' + path.replace(/\./g, '-');

  function cloneTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function wireRow(row, prefix, title) {
    row.dataset.path = prefix;
    row.id = idFor(prefix);
    $(':scope > legend', row).textContent = title;
    for (const control of ownElements(row, '[data-field]')) {
      const field = control.dataset.field;
      const id = idFor(prefix + '.' + field);
      control.id = id;
      if (!control.hasAttribute('data-local')) control.dataset.path = prefix + '.' + field;
      const label = ownElements(row, '[data-for="' + field + '"]')[0];
      if (label) label.htmlFor = id;
      const hint = ownElements(row, '[data-hint-of="' + field + '"]')[0];
      if (hint) hint.id = id + '-hint';
      const error = ownElements(row, '[data-error-of="' + field + '"]')[0];
      if (error) error.id = id + '-error';
      control.setAttribute('aria-describedby', [hint, error].filter(Boolean).map((el) => el.id).join(' '));
    }
    for (const group of ownElements(row, '[data-group]')) {
      const path = prefix + '.' + group.dataset.group;
      group.dataset.path = path;
      group.id = idFor(path);
      const error = $$('[data-error-of="' + group.dataset.group + '"]', group).find((el) => el.closest('[data-group]') === group);
      if (error) {
        error.id = group.id + '-error';
        group.setAttribute('aria-describedby', error.id);
      }
    }
    const remove = ownElements(row, '[data-action="remove-row"]')[0];
    if (remove) remove.textContent = 'Remove ' + (title.startsWith('IOC') ? title : title.charAt(0).toLowerCase() + title.slice(1));
    const rowError = ownElements(row, '[data-row-error]')[0];
    if (rowError) {
      rowError.id = row.id + '-error';
      row.setAttribute('aria-describedby', rowError.id);
    }
  }

  function renumber() {
    rowsOf('data_sources').forEach((row, i) => wireRow(row, 'data_sources.' + i, 'Data source ' + (i + 1)));
    rowsOf('findings').forEach((finding, i) => {
      wireRow(finding, 'findings.' + i, 'Finding ' + (i + 1));
      rowsOf('iocs', finding).forEach((ioc, k) => wireRow(ioc, 'findings.' + i + '.iocs.' + k, 'IOC ' + (k + 1)));
    });
  }

  function addDataSource() {
    const row = cloneTemplate('tpl-data-source');
    listOf('data_sources').appendChild(row);
    renumber();
    return row;
  }

  function addIoc(finding) {
    const row = cloneTemplate('tpl-ioc');
    listOf('iocs', finding).appendChild(row);
    renumber();
    refreshRoutes(finding);
    return row;
  }

  function addFinding() {
    const finding = cloneTemplate('tpl-finding');
    listOf('findings').appendChild(finding);
    renumber();
    refreshDataSourceRefs();
    addIoc(finding);
    return finding;
  }

  function removeRow(row) {
    const list = row.parentElement;
    const rows = Array.from(list.children);
    const index = rows.indexOf(row);
    row.remove();
    renumber();
    refreshDataSourceRefs();
    const next = list.children[Math.min(index, list.children.length - 1)];
    const focusTarget = next ? $('input, select, textarea', next) : list.parentElement.querySelector('[data-action^="add-"]');
    if (focusTarget) focusTarget.focus();
    changed();
  }

  // ---------------------------------------------------------------------------------------------
  // The draft the server judges: every field as typed.

  const fieldOf = (row, field) => ownElements(row, '[data-field="' + field + '"]')[0];
  const valueOf = (row, field) => fieldOf(row, field).value;
  const linesOf = (text) => text.split('\n');

  function collectDraft() {
    const phase = $('input[name="peak_phase"]:checked');
    return {
      report: {
        hunt: {
          id: $('#f-hunt-id').value,
          name: $('#f-hunt-name').value,
          hypothesis: $('#f-hunt-hypothesis').value,
          analyst: $('#f-hunt-analyst').value,
          date: $('#f-hunt-date').value,
          peak_phase: phase ? phase.value : '',
          hunt_type: $('#f-hunt-hunt_type').value,
          references: linesOf($('#f-hunt-references').value)
        },
        data_sources: rowsOf('data_sources').map((row) => ({
          name: valueOf(row, 'name'),
          type: valueOf(row, 'type'),
          coverage: valueOf(row, 'coverage')
        })),
        findings: rowsOf('findings').map((row) => ({
          tactic: valueOf(row, 'tactic'),
          technique: valueOf(row, 'technique'),
          technique_name: valueOf(row, 'technique_name'),
          confirmed: fieldOf(row, 'confirmed').checked,
          description: valueOf(row, 'description'),
          data_source_ref: valueOf(row, 'data_source_ref'),
          iocs: rowsOf('iocs', row).map((ioc) => ({ type: valueOf(ioc, 'type'), value: valueOf(ioc, 'value'), match: valueOf(ioc, 'match') })),
          falsepositives: linesOf(valueOf(row, 'falsepositives')),
          level: valueOf(row, 'level')
        })),
        verdict: $('#f-verdict').value
      },
      fileName: $('#f-fileName').value,
      kqlFlavor: $('#f-kqlFlavor').value
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Data-source references and "where does this IOC land" hints (routes come from the server).

  function dataSourceNames() {
    const names = rowsOf('data_sources').map((row) => valueOf(row, 'name')).filter((n) => n.trim() !== '');
    return Array.from(new Set(names));
  }

  function dataSourceType(name) {
    const row = rowsOf('data_sources').find((r) => valueOf(r, 'name') === name);
    return row ? valueOf(row, 'type') : '';
  }

  function refreshDataSourceRefs() {
    const names = dataSourceNames();
    for (const finding of rowsOf('findings')) {
      const select = fieldOf(finding, 'data_source_ref');
      const current = select.value;
      const options = [new Option('Choose a data source', '')];
      for (const name of names) options.push(new Option(name, name));
      if (current && !names.includes(current)) options.push(new Option(current + ' (not in step 2)', current));
      select.replaceChildren(...options);
      select.value = current;
      refreshRoutes(finding);
    }
  }

  function routesFor(type, flavor) {
    const key = type + '|' + flavor;
    if (!state.routes.has(key)) {
      const url = '/api/routes?dataSourceType=' + encodeURIComponent(type) + '&kqlFlavor=' + encodeURIComponent(flavor);
      const request = fetch(url, { headers: { Accept: 'application/json' } })
        .then((res) => (res.ok ? res.json() : Promise.reject(new Error('HTTP ' + res.status))))
        .then((body) => new Map(body.routes.map((r) => [r.iocType, r.route])));
      request.catch(() => state.routes.delete(key));
      state.routes.set(key, request);
    }
    return state.routes.get(key);
  }

  const routeSummary = (route) => 'Sigma ' + route.sigma + ' · KQL ' + route.kql + ' · SPL ' + route.spl + ' · SQL ' + route.sql;

  async function refreshRoutes(finding) {
    const type = dataSourceType(valueOf(finding, 'data_source_ref'));
    const flavor = $('#f-kqlFlavor').value;
    const token = type + '|' + flavor;
    finding.dataset.routesFor = token;
    let routes = null;
    if (type) {
      try {
        routes = await routesFor(type, flavor);
      } catch (err) {
        routes = null;
      }
    }
    if (finding.dataset.routesFor !== token) return;
    for (const ioc of rowsOf('iocs', finding)) {
      const select = fieldOf(ioc, 'type');
      for (const option of Array.from(select.options)) {
        if (!option.value) continue;
        const route = routes && routes.get(option.value);
        option.textContent = !routes ? option.value : route ? option.value + ' → ' + routeSummary(route) : option.value + ' (no route from a ' + type + ' data source)';
      }
      const hint = ownElements(ioc, '[data-hint-of="type"]')[0];
      const chosen = select.value;
      if (!routes) hint.textContent = type ? 'Could not load where IOCs land; the preview still shows the rules.' : "Choose the finding's data source to see where each IOC type lands.";
      else if (!chosen) hint.textContent = 'From a ' + type + ' data source each type lands where the list shows.';
      else if (!routes.get(chosen)) hint.textContent = 'A ' + chosen + ' IOC has no route from a ' + type + ' data source: pick another type, or a data source of another type.';
      else {
        const route = routes.get(chosen);
        hint.textContent = ['Lands in the ' + route.logsourceKey + ' log source:', 'Sigma: ' + route.sigma, 'KQL: ' + route.kql, 'SPL: ' + route.spl, 'SQL: ' + route.sql].join('\n');
      }
    }
  }

  function refreshTypeHint(select) {
    const hint = document.getElementById(select.id + '-hint');
    const option = select.selectedOptions[0];
    if (hint && option && option.dataset.help) hint.textContent = option.dataset.help;
  }

  // ---------------------------------------------------------------------------------------------
  // Technique look-up: the server searches the bundled ATT&CK catalogue.

  function scheduleLookup(input) {
    clearTimeout(state.lookupTimers.get(input));
    state.lookupTimers.set(input, setTimeout(() => lookup(input), 200));
  }

  async function lookup(input) {
    const finding = input.closest('[data-row="findings"]');
    const results = $('[data-lookup-results]', finding);
    const status = $('[data-lookup-status]', finding);
    const query = input.value.trim();
    if (!query) {
      results.replaceChildren();
      status.textContent = '';
      return;
    }
    input.dataset.query = query;
    let hits;
    try {
      const res = await fetch('/api/techniques?q=' + encodeURIComponent(query), { headers: { Accept: 'application/json' } });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error || 'HTTP ' + res.status);
      hits = body.results;
    } catch (err) {
      status.textContent = 'Look-up failed: ' + err.message;
      return;
    }
    if (input.dataset.query !== query) return;
    const focused = results.contains(document.activeElement) ? document.activeElement.dataset.pick : null;
    results.replaceChildren(
      ...hits.map((hit) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.pick = hit.id;
        button.dataset.name = hit.name;
        button.dataset.tactics = hit.tactics.map((t) => t.shortname).join(' ');
        button.textContent = hit.id + ' ' + hit.name + ' (' + hit.tactics.map((t) => t.name).join(', ') + ')' + (hit.deprecated ? ', deprecated' : '');
        const li = document.createElement('li');
        li.append(button);
        return li;
      })
    );
    if (focused) {
      const again = $('[data-pick="' + CSS.escape(focused) + '"]', results) || $('[data-pick]', results) || input;
      again.focus();
    }
    status.textContent = hits.length ? hits.length + (hits.length === 1 ? ' technique matches' : ' techniques match') + ' "' + query + '".' : 'No technique matches "' + query + '".';
  }

  function pickTechnique(button) {
    const finding = button.closest('[data-row="findings"]');
    const lookupInput = fieldOf(finding, 'technique_lookup');
    clearTimeout(state.lookupTimers.get(lookupInput));
    lookupInput.dataset.query = '';
    fieldOf(finding, 'technique').value = button.dataset.pick;
    fieldOf(finding, 'technique_name').value = button.dataset.name;
    const tactic = fieldOf(finding, 'tactic');
    const shortnames = button.dataset.tactics.split(' ');
    const current = tactic.selectedOptions[0];
    if (!current || !current.value || !shortnames.includes(current.dataset.shortname)) {
      const first = Array.from(tactic.options).find((o) => o.dataset.shortname === shortnames[0]);
      if (first) tactic.value = first.value;
    }
    $('[data-lookup-results]', finding).replaceChildren();
    $('[data-lookup-status]', finding).textContent = 'Picked ' + button.dataset.pick + ' ' + button.dataset.name + '.';
    for (const field of ['technique', 'technique_name', 'tactic']) fieldOf(finding, field).dataset.touched = '1';
    fieldOf(finding, 'technique').focus();
    changed();
  }

  // ---------------------------------------------------------------------------------------------
  // Live preview: the server parses, validates and converts; the page shows what comes back.

  function changed() {
    state.dirty = true;
    document.body.dataset.preview = 'pending';
    clearTimeout(state.timer);
    state.timer = setTimeout(runPreview, 250);
  }

  function runPreview() {
    clearTimeout(state.timer);
    state.timer = 0;
    state.dirty = false;
    const seq = ++state.seq;
    const request = fetch('/api/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(collectDraft())
    })
      .then(async (res) => {
        const body = await res.json();
        if (!res.ok) throw new Error(body.error || 'HTTP ' + res.status);
        return body;
      })
      .then(
        (result) => {
          if (seq !== state.seq) return;
          state.last = result;
          applyPreview(result);
          if (!state.dirty) document.body.dataset.preview = 'ready';
        },
        (err) => {
          if (seq !== state.seq) return;
          setStatus('Preview failed: ' + err.message);
          if (!state.dirty) document.body.dataset.preview = 'failed';
        }
      );
    state.inflight = request;
    return request;
  }

  async function freshPreview() {
    if (state.dirty || state.timer) await runPreview();
    else if (state.inflight) await state.inflight;
    return state.last;
  }

  const setStatus = (text) => {
    $('#preview-status').textContent = text;
  };

  function applyPreview(result) {
    $('#yaml-output code').textContent = result.yaml;
    $('#f-fileName').placeholder = result.suggestedFileName;
    renderOutputs(result.files);
    applyDiagnostics(result.diagnostics);
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.length - errors;
    const rules = result.files.filter((f) => f.format === 'sigma').length;
    setStatus(
      'Preview up to date: ' +
        (errors ? errors + (errors === 1 ? ' error' : ' errors') : 'no errors') +
        ', ' +
        warnings +
        (warnings === 1 ? ' warning' : ' warnings') +
        ', ' +
        rules +
        (rules === 1 ? ' rule.' : ' rules.')
    );
  }

  function renderOutputs(files) {
    for (const panel of $$('[data-panel]')) {
      const format = panel.dataset.panel;
      const mine = files.filter((f) => f.format === format);
      $('[data-count="' + format + '"]').textContent = mine.length ? '(' + mine.length + ')' : '';
      if (!mine.length) {
        const empty = document.createElement('p');
        empty.className = 'empty';
        empty.textContent = 'Nothing yet: fix the problems listed above.';
        panel.replaceChildren(empty);
        continue;
      }
      panel.replaceChildren(
        ...mine.map((file) => {
          const figure = document.createElement('figure');
          figure.className = 'file';
          figure.dataset.filePath = file.path;
          const caption = document.createElement('figcaption');
          caption.textContent = file.path;
          const pre = document.createElement('pre');
          pre.className = 'code';
          pre.tabIndex = 0;
          pre.setAttribute('aria-label', file.path);
          const code = document.createElement('code');
          code.textContent = file.content;
          pre.append(code);
          figure.append(caption, pre);
          return figure;
        })
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Diagnostics next to the field that caused them: the longest prefix of the diagnostic's path
  // that names a control (or a row or list) on the page.

  function targetFor(path) {
    for (let n = path.length; n > 0; n--) {
      const el = document.querySelector('[data-path="' + CSS.escape(path.slice(0, n).join('.')) + '"]');
      if (el) return el;
    }
    return null;
  }

  const stepOf = (el) => Number(el.closest('[data-step]').dataset.step);
  const shown = (el) => state.left.has(stepOf(el)) || el.dataset.touched === '1' || !!el.closest('[data-step="4"]');

  function describeTarget(el) {
    if (!el) return 'The hunt report';
    const own = el.matches('fieldset') ? $(':scope > legend', el).textContent : el.labels && el.labels[0] ? el.labels[0].textContent : el.dataset.label;
    const rows = [];
    for (let row = el.parentElement && el.parentElement.closest('[data-row]'); row; row = row.parentElement.closest('[data-row]')) {
      rows.unshift($(':scope > legend', row).textContent);
    }
    const titles = { 1: 'Hunt', 2: 'Data sources', 3: 'Findings', 4: 'Review' };
    return ['Step ' + stepOf(el) + ' ' + titles[stepOf(el)]].concat(rows, [own]).join(' › ');
  }

  function applyDiagnostics(diagnostics) {
    for (const el of $$('.field-error')) {
      el.replaceChildren();
      el.hidden = true;
    }
    for (const el of $$('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const perStep = { 1: 0, 2: 0, 3: 0, 4: 0 };
    const list = $('#problems-list');
    list.replaceChildren();
    for (const d of diagnostics) {
      const target = targetFor(d.path);
      if (target && d.severity === 'error') perStep[stepOf(target)] += 1;
      if (target && shown(target)) {
        const slot = document.getElementById(target.id + '-error');
        if (slot) {
          const line = document.createElement('span');
          line.className = d.severity;
          line.textContent = (d.severity === 'error' ? 'Error: ' : 'Warning: ') + d.fieldMessage;
          slot.append(line);
          slot.hidden = false;
        }
        if (d.severity === 'error' && target.matches('input, select, textarea, fieldset')) target.setAttribute('aria-invalid', 'true');
      }
      const item = document.createElement('li');
      item.className = d.severity;
      const severity = document.createElement('strong');
      severity.textContent = d.severity === 'error' ? 'Error' : 'Warning';
      item.append(severity, ' ');
      if (target) {
        const go = document.createElement('button');
        go.type = 'button';
        go.className = 'link';
        go.dataset.focusPath = target.dataset.path;
        go.textContent = describeTarget(target);
        item.append(go);
      } else item.append(describeTarget(null));
      item.append(': ' + (target ? d.fieldMessage : d.message) + (d.path[0] === 'fileName' ? '' : ' (YAML line ' + d.line + ', column ' + d.column + ')'));
      list.append(item);
    }
    $('#problems-none').hidden = diagnostics.length > 0;
    for (const badge of $$('[data-badge]')) {
      const n = perStep[badge.dataset.badge];
      badge.textContent = n ? n + (n === 1 ? ' error' : ' errors') : '';
    }
  }

  function focusPath(path) {
    const target = document.querySelector('[data-path="' + CSS.escape(path) + '"]');
    if (!target) return;
    showStep(stepOf(target), false);
    const focusable = target.matches('input, select, textarea') ? target : $('input, select, textarea, button', target);
    if (focusable) focusable.focus();
    target.scrollIntoView({ block: 'center' });
  }

  // ---------------------------------------------------------------------------------------------
  // Steps.

  function showStep(n, focusHeading) {
    if (n !== state.step) state.left.add(state.step);
    state.step = n;
    for (const section of $$('[data-step]')) section.hidden = Number(section.dataset.step) !== n;
    for (const link of $$('.step-link')) {
      if (Number(link.dataset.goto) === n) link.setAttribute('aria-current', 'step');
      else link.removeAttribute('aria-current');
    }
    if (state.last) applyDiagnostics(state.last.diagnostics);
    if (focusHeading) $('#step-' + n + '-title').focus();
    if (n === 4) freshPreview();
  }

  // ---------------------------------------------------------------------------------------------
  // Output tabs (ARIA tabs: arrows, Home and End move between them).

  function selectTab(tab, focus) {
    for (const other of $$('[role="tab"]')) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute('aria-controls')).hidden = !selected;
    }
    if (focus) tab.focus();
  }

  function onTabKey(event) {
    const tabs = $$('[role="tab"]');
    const i = tabs.indexOf(event.target);
    const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
  }

  // ---------------------------------------------------------------------------------------------
  // YAML download and copy.

  async function downloadYaml() {
    const result = await freshPreview();
    if (!result) return;
    const url = URL.createObjectURL(new Blob([result.yaml], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = result.fileName.split('/').pop();
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    $('#yaml-status').textContent = 'Downloaded ' + a.download + (errors ? ': it still has ' + errors + (errors === 1 ? ' error' : ' errors') + ' the CLI will reject.' : '.');
  }

  async function copyYaml() {
    const result = await freshPreview();
    if (!result) return;
    try {
      await navigator.clipboard.writeText(result.yaml);
      $('#yaml-status').textContent = 'Copied the YAML to the clipboard.';
    } catch (err) {
      getSelection().selectAllChildren($('#yaml-output'));
      $('#yaml-status').textContent = 'Could not reach the clipboard: the YAML is selected, press Ctrl+C (or Cmd+C) to copy it.';
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Events, delegated from the form.

  form.addEventListener('submit', (event) => event.preventDefault());

  document.addEventListener('click', (event) => {
    const target = event.target.closest('button');
    if (!target) return;
    if (target.dataset.goto) showStep(Number(target.dataset.goto), true);
    else if (target.dataset.pick) pickTechnique(target);
    else if (target.dataset.focusPath) focusPath(target.dataset.focusPath);
    else if (target.getAttribute('role') === 'tab') selectTab(target, false);
    else {
      const action = target.dataset.action;
      if (action === 'add-data-source') focusFirst(addDataSource());
      else if (action === 'add-finding') focusFirst(addFinding());
      else if (action === 'add-ioc') focusFirst(addIoc(target.closest('[data-row="findings"]')));
      else if (action === 'remove-row') removeRow(target.closest('[data-row]'));
      else if (action === 'download-yaml') downloadYaml();
      else if (action === 'copy-yaml') copyYaml();
      else return;
      if (action && action.startsWith('add-')) changed();
    }
  });

  function focusFirst(row) {
    const first = $('input, select, textarea', row);
    if (first) first.focus();
  }

  form.addEventListener('input', (event) => onEdit(event.target));
  form.addEventListener('change', (event) => onEdit(event.target));
  form.addEventListener('focusout', (event) => {
    const el = event.target;
    const target = el.name === 'peak_phase' ? $('#f-hunt-peak_phase') : el;
    if (!target.dataset || !target.dataset.path || target.dataset.touched) return;
    target.dataset.touched = '1';
    if (state.last) applyDiagnostics(state.last.diagnostics);
  });

  function onEdit(el) {
    if (el.dataset.field === 'technique_lookup') {
      scheduleLookup(el);
      return;
    }
    const row = el.closest('[data-row]');
    if (row && row.dataset.row === 'data_sources') {
      if (el.dataset.field === 'type') refreshTypeHint(el);
      refreshDataSourceRefs();
    } else if (row && row.dataset.row === 'iocs') refreshRoutes(row.closest('[data-row="findings"]'));
    else if (row && el.dataset.field === 'data_source_ref') refreshRoutes(row);
    else if (el.id === 'f-kqlFlavor') rowsOf('findings').forEach(refreshRoutes);
    changed();
  }

  document.addEventListener('keydown', (event) => {
    const el = event.target;
    if (el.getAttribute && el.getAttribute('role') === 'tab') onTabKey(event);
    else if (el.dataset && el.dataset.field === 'technique_lookup' && event.key === 'ArrowDown') {
      const first = $('[data-pick]', el.closest('[data-row="findings"]'));
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (el.dataset && el.dataset.pick && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      const buttons = $$('[data-pick]', el.closest('[data-lookup-results]'));
      const next = buttons[buttons.indexOf(el) + (event.key === 'ArrowDown' ? 1 : -1)];
      event.preventDefault();
      if (next) next.focus();
      else if (event.key === 'ArrowUp') fieldOf(el.closest('[data-row="findings"]'), 'technique_lookup').focus();
    } else if (el.dataset && el.dataset.field === 'technique_lookup' && event.key === 'Enter') event.preventDefault();
  });

  addDataSource();
  addFinding();
  runPreview();
})();
`;
