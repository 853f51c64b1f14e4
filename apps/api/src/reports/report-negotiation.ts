import { badRequest } from '../common/api-error';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const MEDIA_TYPES: Record<ReportFormat, [type: string, subtype: string]> = {
  json: ['application', 'json'],
  csv: ['text', 'csv'],
  html: ['text', 'html'],
};

/**
 * The format an Accept header prefers among JSON, CSV and HTML, by its q-values (RFC 9110 12.5.1):
 * each format takes the q of the most specific range that matches it (`text/csv` over `text/*` over
 * `*\/*`); the highest q wins, JSON on a tie or when nothing matches. Parameters other than q (such as
 * `tax-version=1`) do not take part. A browser's navigation (`text/html,…,*\/*;q=0.8`) gets HTML,
 * `text/csv` CSV, `application/json; tax-version=1` or `*\/*` JSON.
 */
export function preferredFormat(accept: string | undefined): ReportFormat {
  const ranges = (accept ?? '')
    .split(',')
    .map((range) => {
      const [mediaType, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
      const [type = '', subtype = ''] = mediaType.split('/');
      const qParam = params.find((p) => /^q\s*=/.test(p));
      const q = qParam === undefined ? 1 : Number(qParam.replace(/^q\s*=\s*/, ''));
      return { type, subtype, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 };
    })
    .filter((r) => r.type !== '' && r.subtype !== '');
  const qualityOf = (format: ReportFormat) => {
    const [type, subtype] = MEDIA_TYPES[format];
    let best: { specificity: number; q: number } | undefined;
    for (const r of ranges) {
      const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
      if (specificity >= 0 && (!best || specificity > best.specificity)) best = { specificity, q: r.q };
    }
    return best?.q ?? 0;
  };
  let chosen: ReportFormat = 'json';
  let chosenQ = qualityOf('json');
  for (const format of ['csv', 'html'] as const) {
    const q = qualityOf(format);
    if (q > chosenQ) [chosen, chosenQ] = [format, q];
  }
  return chosen;
}

/** `?format=` wins; else the Accept header's preference (text/csv, text/html); else JSON. */
export function reportFormat(format: unknown, accept: string | undefined): ReportFormat {
  if (format !== undefined && format !== '') {
    const wanted = typeof format === 'string' ? format.toLowerCase() : '';
    if (!(REPORT_FORMATS as readonly string[]).includes(wanted)) throw badRequest('InvalidFormat', `format must be one of ${REPORT_FORMATS.join(', ')}.`, 'format');
    return wanted as ReportFormat;
  }
  return preferredFormat(accept);
}
