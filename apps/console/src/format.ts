/** Display helpers. Amounts arrive as JSON numbers made from exact decimal text; they are only shown. */

export const money = (n: number | null | undefined) =>
  n === null || n === undefined ? '' : n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 });

/** A signed difference: "+1.66", "-0.01", "0.00". */
export const signed = (n: number | string | null | undefined) => {
  if (n === null || n === undefined || n === '') return '';
  const value = typeof n === 'string' ? Number(n) : n;
  return `${value > 0 ? '+' : ''}${money(value)}`;
};

export const percent = (rate: number | undefined) => (rate === undefined ? '' : `${(rate * 100).toLocaleString('en-US', { maximumFractionDigits: 4 })} %`);

/** ISO time as "2026-12-07 05:22:26 UTC": audit times are shown in UTC, as recorded. */
export const utc = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '');

/** "2024-06" -> "June 2024". */
export const monthName = (period: string) => {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
};

export const currentPeriod = () => new Date().toISOString().slice(0, 7);

/** First and last calendar day of a month "YYYY-MM". */
export function monthRange(period: string): { startDate: string; endDate: string } {
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { startDate: `${period}-01`, endDate: `${period}-${String(last).padStart(2, '0')}` };
}

/** Who did it, as the audit trail records it: "user:ann@…" -> "ann@… (user)", "credential:<id>" -> "license key <id…>". */
export function who(actor: string | null | undefined): string {
  if (!actor) return '';
  if (actor.startsWith('user:')) return `${actor.slice(5)} (user)`;
  if (actor.startsWith('credential:')) return `license key ${actor.slice(11, 19)}…`;
  return actor;
}

export const ROLE_NAMES: Record<string, string> = {
  account_admin: 'account admin',
  api_user: 'API user',
  system_filer: 'system filer',
};
