/** What the report formats share: safe CSV options, HTML escaping, number display, the page frame. */

/**
 * Every report CSV is written with these options. `escape_formulas` (OWASP "CSV Injection") prefixes a
 * text cell starting with = + - @ TAB CR (and their full-width forms) with an apostrophe, so a
 * spreadsheet opens a document code like `=HYPERLINK(...)` as text; numbers, negative ones too, are
 * left as they are.
 */
export const csvOptions = (columns: string[]) => ({ header: true, columns, escape_formulas: true });

export const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Fixed two decimals for display, exact text (no float formatting surprises beyond the number given). */
export const fmt = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 10 });

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#111}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%;font-size:.8rem;margin-bottom:1rem}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:right}th{background:#eee}
td.t,th.t{text-align:left}tr.total td{font-weight:bold;background:#f6f6f6}
.meta{color:#555;font-size:.85rem}
@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
`;

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}
