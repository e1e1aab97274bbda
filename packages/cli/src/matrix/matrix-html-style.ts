/* eslint-disable max-len -- a CSS template string: each rule stays on one line of the stylesheet. */
/**
 * The stylesheet of the HTML matrix, inlined in the page. The page is a
 * full-height column: a header with filters and legend, then the table in its
 * own scroll box so the header row and the capability column can stick.
 */
export const MATRIX_HTML_STYLE = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --head: #f6f8fa; --accent: #0969da;
  --complete-bg: #dcf5e3; --complete-fg: #116329; --partial-bg: #fff1c2; --partial-fg: #7d4e00;
  --missing-bg: #ffe3e1; --missing-fg: #a40e26; --unknown-bg: #e9ecf0; --unknown-fg: #424a53;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { height: 100%; margin: 0; }
body {
  display: flex; flex-direction: column; color: var(--fg); background: var(--bg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
}
code { font: 12.5px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.page-header { flex: none; padding: 14px 20px 10px; border-bottom: 1px solid var(--line); background: var(--head); }
.title-row { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; }
h1 { margin: 0; font-size: 20px; }
.meta { margin: 0; color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; margin-top: 10px; }
.controls select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.state-filter { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; margin: 0; padding: 0; border: 0; }
.state-filter legend { float: left; margin-right: 4px; padding: 0; color: var(--muted); }
.state-filter label { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
#row-count { color: var(--muted); margin-left: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0 0; padding: 0; list-style: none; color: var(--muted); font-size: 12.5px; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.table-wrap { flex: 1 1 auto; min-height: 0; overflow: auto; }
table { border-collapse: separate; border-spacing: 0; min-width: 100%; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th {
  position: sticky; top: 0; z-index: 2; background: var(--head); border-bottom: 2px solid var(--line);
  white-space: nowrap; font-weight: 600;
}
thead th small { display: block; font-weight: 400; color: var(--muted); }
.cap-col { position: sticky; left: 0; z-index: 1; width: 300px; min-width: 220px; background: var(--bg); border-right: 1px solid var(--line); }
thead th.cap-col { z-index: 3; background: var(--head); }
tbody tr:hover th, tbody tr:hover td { background: #f3f7fd; }
.cap-col code { font-weight: 600; }
.calls { display: block; max-width: 300px; color: var(--muted); font-weight: 400; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.family-row th { padding: 12px 10px 4px; background: var(--bg); border-bottom: 1px solid var(--line); font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.family-row th span { position: sticky; left: 10px; }
td.status { width: 1%; }
.status { white-space: nowrap; font-size: 12.5px; color: var(--muted); }
.status-mandatory { color: var(--fg); font-weight: 600; }
.status-choice { color: #6639ba; }
td.cell { min-width: 140px; cursor: help; }
.badge { display: inline-flex; align-items: center; gap: 4px; padding: 1px 8px; border-radius: 999px; font-size: 12.5px; font-weight: 600; white-space: nowrap; }
.badge.complete { background: var(--complete-bg); color: var(--complete-fg); }
.badge.partial { background: var(--partial-bg); color: var(--partial-fg); }
.badge.missing { background: var(--missing-bg); color: var(--missing-fg); }
.badge.unknown { background: var(--unknown-bg); color: var(--unknown-fg); }
.cell .detail { display: block; margin-top: 3px; max-width: 280px; color: var(--muted); font-size: 12px; }
#empty { padding: 24px 20px; color: var(--muted); }
`;
