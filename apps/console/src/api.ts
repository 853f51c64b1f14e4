/**
 * The console's only door to the ledger: the API of the server that served this page (same origin),
 * called with the signed-in credential. The credential lives in this module's memory and nowhere else:
 * not in localStorage, sessionStorage, a cookie or the URL. Reloading the page or closing the tab
 * signs out.
 */

export type Role = 'account_admin' | 'api_user' | 'system_filer';

export interface Transition {
  type: string;
  from: string;
  to: string;
}

/** GET /whoami: the credential's account and role, and what the role may do (the ledger's own table). */
export interface WhoAmI {
  accountId: string;
  role: Role;
  credentialId: string;
  actor: string;
  username: string | null;
  may: { recordTransactions: boolean; manageAccount: boolean; transitions: Transition[]; periodOperations: string[] };
}

export interface Session extends WhoAmI {
  authorization: string;
}

export interface ErrorDetail {
  code: string;
  message: string;
  severity?: string;
  refersTo?: string;
}

/** An answer other than 2xx, carrying the API's own error: `{"error":{code,message,target,details}}`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

let session: Session | null = null;
/** Why the last session ended, when the server ended it (shown on the sign-in page). */
let endedBecause: string | null = null;
const listeners = new Set<(s: Session | null) => void>();

export const currentSession = () => session;
export const signedOutBecause = () => endedBecause;
export function onSessionChange(listener: (s: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function setSession(next: Session | null, reason: string | null = null) {
  session = next;
  endedBecause = reason;
  for (const listener of listeners) listener(next);
}

/** base64 of the UTF-8 bytes (btoa alone takes Latin-1 only). */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Signs in with `accountId` + license key or username + password: the API verifies the credential
 * (GET /whoami) and tells whose it is; nothing is kept unless it answered 200.
 */
export async function signIn(name: string, secret: string): Promise<Session> {
  const authorization = `Basic ${base64Utf8(`${name}:${secret}`)}`;
  const response = await send('/whoami', { authorization });
  const who = (await response.json()) as WhoAmI;
  const next = { ...who, authorization };
  setSession(next);
  return next;
}

export const signOut = () => setSession(null);

/** A path from segments, each percent-encoded (codes are free text: "#12345", "A1 Boats"). */
export const path = (...segments: string[]) => `/${segments.map(encodeURIComponent).join('/')}`;

/** `?a=1&b=2`, leaving out empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

interface SendOptions {
  method?: string;
  /** JSON body. */
  json?: unknown;
  /** CSV body (text/csv). */
  csv?: string;
  /** What to ask for: JSON (the TNG media type) by default. */
  accept?: 'json' | 'csv';
  /** Only for signing in, before there is a session. */
  authorization?: string;
}

async function send(url: string, options: SendOptions = {}): Promise<Response> {
  const authorization = options.authorization ?? session?.authorization;
  if (!authorization) throw new ApiFailure(401, 'SignedOut', 'You are signed out; sign in again.');
  const headers: Record<string, string> = {
    Authorization: authorization,
    Accept: options.accept === 'csv' ? 'text/csv' : 'application/json; tax-version=1',
  };
  if (session && !options.authorization) headers['X-Avalara-AccountId'] = session.accountId;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.csv !== undefined) {
    headers['Content-Type'] = 'text/csv';
    body = options.csv;
  }
  let response: Response;
  try {
    // credentials: 'omit' — no cookies and no credential the browser may have cached for this site: only ours.
    response = await fetch(url, { method: options.method ?? 'GET', headers, body, credentials: 'omit', cache: 'no-store', redirect: 'error' });
  } catch {
    throw new ApiFailure(0, 'NetworkError', 'The server did not answer; check that tax-ledger is running and try again.');
  }
  if (!response.ok) {
    const failure = await failureOf(response);
    // The credential of this session is refused now (revoked key, changed password): sign out, saying so.
    if (failure.status === 401 && session && !options.authorization) setSession(null, `The server refused your credential (${failure.message}); sign in again.`);
    throw failure;
  }
  return response;
}

async function failureOf(response: Response): Promise<ApiFailure> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string; target?: string; details?: ErrorDetail[] } };
    if (error && typeof error.message === 'string') return new ApiFailure(response.status, error.code, error.message, error.target, error.details ?? []);
  } catch {
    // not our error shape: said below with the status
  }
  return new ApiFailure(response.status, `Http${response.status}`, `The server answered ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

/** A link the API gave (relative, or absolute under LEDGER_PUBLIC_URL) as a path on this origin; null for another origin. */
export function sameOriginPath(link: string): string | null {
  const url = new URL(link, location.origin);
  return url.origin === location.origin ? url.pathname + url.search : null;
}

/** The `rel="next"` address of a paged answer (Link header), if any. */
function nextLink(response: Response): string | undefined {
  const link = response.headers.get('Link');
  const match = link && /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  return (match && sameOriginPath(match[1])) || undefined;
}

export async function getJson<T>(url: string): Promise<T> {
  return (await (await send(url)).json()) as T;
}

/** A page of a list: the entries and the next page's address. */
export async function getPage<T>(url: string): Promise<{ items: T; next?: string }> {
  const response = await send(url);
  return { items: (await response.json()) as T, next: nextLink(response) };
}

export async function postJson<T>(url: string, json?: unknown, method = 'POST'): Promise<T> {
  return (await (await send(url, { method, json })).json()) as T;
}

export async function postCsv<T>(url: string, csv: string): Promise<T> {
  return (await (await send(url, { method: 'POST', csv })).json()) as T;
}

export async function remove<T>(url: string): Promise<T> {
  return (await (await send(url, { method: 'DELETE' })).json()) as T;
}

/**
 * Asks for CSV and hands it to the browser as a download (named as the server names it). For a POST
 * (the reconciliation), the uploaded CSV is sent again.
 */
export async function downloadCsv(url: string, fallbackName: string, upload?: string): Promise<string> {
  const response = await send(url, { accept: 'csv', ...(upload !== undefined ? { method: 'POST', csv: upload } : {}) });
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
