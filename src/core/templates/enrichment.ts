/**
 * eta templates of the enrichment Markdown. They are string constants, not `.eta` files, because
 * the CLI and the action are single-file ncc bundles that cannot read templates from disk.
 *
 * `<%= %>` escapes with the enrichment Markdown escaper (see `src/core/enrichment.ts`); `<%~ %>`
 * is raw and only ever receives text we built ourselves (headings, links from validated ids,
 * hashes, model ids restricted to a safe character set, HTML-escaped summaries). Whitespace is
 * not trimmed automatically: control lines end in `-%>`, which drops their newline.
 */

/** The suggestions of one hunt: shared by `enrichment.md` and the PR comment section. */
export const ENRICHMENT_BODY_TEMPLATE = `<%~ it.h %> Detection gaps

<% if (it.gaps.length) { -%>
<% for (const gap of it.gaps) { -%>
- <% if (gap.title) { %>**<%= gap.title %>**: <% } %><%= gap.detail %>
<% } -%>
<% } else { -%>
_None suggested._
<% } -%>

<%~ it.h %> Related techniques

<% if (it.related.length) { -%>
| Technique | Name | Why |
| --- | --- | --- |
<% for (const t of it.related) { -%>
| <% if (t.url) { %>[<%= t.id %>](<%~ t.url %>)<% } else { %><%= t.id %><% } %><% if (t.note) { %> ⚠️ <%= t.note %><% } %> | <%= t.name %> | <%= t.why %> |
<% } -%>
<% } else { -%>
_None suggested._
<% } -%>

<%~ it.h %> Hunting pivots

<% if (it.pivots.length) { -%>
<% for (const pivot of it.pivots) { -%>
- <% if (pivot.title) { %>**<%= pivot.title %>**: <% } %><%= pivot.detail %>
<% } -%>
<% } else { -%>
_None suggested._
<% } -%>

<%~ it.h %> False-positive tuning

<% if (it.tuning.length) { -%>
<% for (const advice of it.tuning) { -%>
- <%= advice %>
<% } -%>
<% } else { -%>
_None suggested._
<% } -%>
`;

/** `<out>/<hunt-slug>/enrichment.md`: cache marker first, validated answer data last. */
export const ENRICHMENT_FILE_TEMPLATE = `<%~ it.marker %>
# LLM enrichment: <%= it.huntName %>

> Suggestions from an LLM (<%= it.providerLabel %> \`<%~ it.model %>\`) for this hunt report and the rules generated from it. They are leads to review, not findings. Technique ids were checked against ATT&CK v<%= it.attackVersion %>; the ones that could not be verified are marked.

<%~ include('@body', it.body) %>
<%~ it.dataComment %>
`;

/** The collapsed section for the PR comment and the job summary. */
export const ENRICHMENT_SECTION_TEMPLATE = `<details>
<summary><%~ it.summaryHtml %></summary>

<% for (const hunt of it.hunts) { -%>
#### <%= hunt.name %><% if (hunt.cached) { %> (unchanged since the last run)<% } %>

<%~ include('@body', hunt.body) %>
<% } -%>
<% if (it.omitted) { -%>
_<%= it.omitted %> more hunt(s) left out to keep this comment short: see their enrichment.md files._

<% } -%>
<% if (it.warnings.length) { -%>
**Enrichment warnings**

<% for (const warning of it.warnings) { -%>
- <%= warning %>
<% } -%>
<% if (it.moreWarnings) { -%>
- <%= it.moreWarnings %> more warning(s) in the job log.
<% } -%>

<% } -%>
</details>
`;
