/**
 * Issue 14: the tax team's console walked in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against the API serving it, on seeded data, as a finance user would: sign in, find a
 * document, read its versions and audit trail, void it, close a month (reconcile, file), read the
 * liability worksheet and export it, reconcile an uploaded CSV with one mismatch, look at the company
 * setup and create / revoke a key; then the other roles and sign-in forms. Screenshots are saved under
 * test-artifacts/console (TEST_ARTIFACTS_DIR overrides). Without /usr/bin/chromium the suite is declared
 * skipped (never passed). Needs the console built (`npm run build`, which npm test runs first).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onboard, type OnboardedAccount } from './support/onboarding';
import { postSale, type SaleOptions } from './support/period-documents';
import { PARTNER_KEY, startTestApp, type Account, type TestApp } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const describeWithChromium = haveChromium ? describe : describe.skip;
const ARTIFACTS = process.env.TEST_ARTIFACTS_DIR ?? join(__dirname, '../test-artifacts/console');
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const COMPANY = 'Harbor Supply';

jest.setTimeout(120_000);

describeWithChromium(`Console in headless Chromium${haveChromium ? '' : ` (SKIPPED: ${CHROMIUM} is not installed; apt-get install -y chromium)`}`, () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let tng: Account;
  let keys: { api_user: string; system_filer: string };
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const record = (o: SaleOptions) => postSale(t, tng, o);
  const api = (path: string) => t.http.get(path).set(a.tng);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const table = (label: string) => page.getByRole('table', { name: label, exact: true });

  async function signIn(mode: 'user' | 'key', name: string, secret: string) {
    if (mode === 'key') await page.getByRole('radio', { name: 'Account id and license key' }).check();
    else await page.getByRole('radio', { name: 'Username and password' }).check();
    await page.getByRole('textbox', { name: mode === 'user' ? 'Username' : 'Account id' }).fill(name);
    await page.getByLabel(mode === 'user' ? 'Password' : 'License key', { exact: true }).fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  }

  async function openDocument(code: string) {
    await page.getByRole('link', { name: 'Transactions', exact: true }).click();
    await page.getByLabel('From').fill('');
    await page.getByLabel('To').fill('');
    await page.getByLabel('Code starts with').fill(code);
    await page.getByRole('button', { name: 'Search' }).click();
    await table('Documents').locator(`tr[data-code="${code}"] a`).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`^${code}`) }).waitFor();
  }

  /** Waits until `read` gives `expected` (the page updates after the API answers), else fails showing the last value. */
  async function eventually<T>(read: () => Promise<T>, expected: T, timeout = 10_000): Promise<void> {
    const until = Date.now() + timeout;
    let last: T;
    do {
      last = await read();
      if (JSON.stringify(last) === JSON.stringify(expected)) return;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < until);
    expect(last).toEqual(expected);
  }

  async function download(click: () => Promise<void>): Promise<{ name: string; text: string }> {
    const [file] = await Promise.all([page.waitForEvent('download'), click()]);
    return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
  }

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../dist/console/index.html'))) throw new Error('The console is not built: run `npm run build` first (npm test does).');
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp();
    a = await onboard(t, COMPANY);
    tng = { accountId: a.accountId, licenseKey: a.licenseKey, credentialId: a.credentialId, companyCode: COMPANY, headers: a.tng };
    await record({ code: 'INV-100', date: '2024-07-02', to: 'WA', amounts: [100] });
    await record({ code: 'INV-101', date: '2024-07-03', to: 'CA', amounts: [200] });
    await record({ code: 'INV-101', date: '2024-07-03', to: 'CA', amounts: [250] }); // version 2
    await record({ code: 'INV-102', date: '2024-07-05', to: 'NY', amounts: [50, 25] });
    await record({ code: 'CM-7', date: '2024-07-06', to: 'WA', amounts: [30] });
    await record({ code: 'INV-200', date: '2024-08-01', to: 'TX', amounts: [80] });
    const issue = async (role: string) =>
      (await t.http.post(`/accounts/${a.accountId}/licenseKeys`).set('Authorization', `Bearer ${PARTNER_KEY}`).send({ role, label: `${role} for the console test` })).body.licenseKey as string;
    keys = { api_user: await issue('api_user'), system_filer: await issue('system_filer') };

    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    // Anything the page reports on its own (script errors, CSP refusals) fails the suite. Chromium logs
    // every non-2xx fetch as "Failed to load resource"; those are the API's answers, shown on the page.
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens /console with its CSP and refuses a wrong password with the API’s message', async () => {
    const response = await page.goto(`${baseUrl}/console`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${baseUrl}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    // The browser enforces it: an injected inline script does not run (a tab of its own, so the refusal
    // it logs is not counted among the console page's problems).
    const probe = await context.newPage();
    const refusals: string[] = [];
    probe.on('console', (m) => refusals.push(m.text()));
    await probe.goto(`${baseUrl}/console/`);
    await probe.addScriptTag({ content: 'globalThis.injected = true;' }).catch(() => undefined);
    expect(await probe.evaluate(() => (globalThis as { injected?: boolean }).injected)).toBeUndefined();
    expect(refusals.join('\n')).toMatch(/inline script.*Content Security Policy directive 'script-src 'self''|Content Security Policy directive.*script-src 'self'/);
    await probe.close();
    await signIn('user', a.username, 'not the password');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('AuthenticationFailed (401): Invalid credentials.');
    await shot('01-sign-in-refused');
  });

  it('signs in with username and password, keeping the credential out of every storage', async () => {
    await signIn('user', a.username, a.password);
    await table('Documents').waitFor();
    await expect(page.locator('.who').textContent()).resolves.toContain(`${a.username} · account admin · account ${a.accountId}`);
    // (The test's own tsconfig has no DOM types: the page's globals are reached through globalThis.)
    const storage = await page.evaluate(() => {
      const w = globalThis as unknown as { localStorage: { length: number }; sessionStorage: { length: number }; document: { cookie: string } };
      return { local: w.localStorage.length, session: w.sessionStorage.length, cookie: w.document.cookie };
    });
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
    expect(await context.cookies()).toEqual([]);
    expect(await page.content()).not.toContain(a.password);
    const codes = await table('Documents').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    expect(codes).toEqual(['CM-7', 'INV-100', 'INV-101', 'INV-102', 'INV-200']);
    await shot('02-transactions');
  });

  it('filters the list: code prefix, state, date range', async () => {
    const codes = () => table('Documents').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    await page.getByLabel('Code starts with').fill('INV-10');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => table('Documents').locator('tbody tr').count(), 3);
    expect(await codes()).toEqual(['INV-100', 'INV-101', 'INV-102']);
    await page.getByLabel('Code starts with').fill('');
    await page.getByLabel('From').fill('2024-08-01');
    await page.getByLabel('To').fill('2024-08-31');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => table('Documents').locator('tbody tr').count(), 1);
    expect(await codes()).toEqual(['INV-200']);
    await shot('03-transactions-filtered');
  });

  it('finds a document: lines, tax by jurisdiction, versions with a diff, the audit trail', async () => {
    await openDocument('INV-101');
    const doc = (await api(`/transactions/${encodeURIComponent(COMPANY)}/Sale/INV-101`)).body;
    await expect(page.locator('dd[data-fact="tax"]').textContent()).resolves.toBe(doc.calculatedTaxSummary.tax.toFixed(2));
    await expect(table('Lines').locator('tr[data-line="1"] td').nth(4).textContent()).resolves.toBe('250.00');
    await expect(table('Tax by jurisdiction').locator('tr[data-jurisdiction="CALIFORNIA"]').count()).resolves.toBe(1);
    await expect(table('Versions').locator('tbody tr').count()).resolves.toBe(2);
    const compare = page.locator('.compare .diff');
    await expect(compare.textContent()).resolves.toContain('Line 1 changed: amount 200.00 → 250.00');
    const trail = page.getByRole('list', { name: 'Audit trail' });
    await expect(trail.locator('> li').evaluateAll((items) => items.map((i) => i.getAttribute('data-event')))).resolves.toEqual(['TransactionRecorded', 'TransactionRevised']);
    await expect(trail.locator('li[data-event="TransactionRevised"] [data-field="who"]').textContent()).resolves.toBe(`license key ${a.credentialId.slice(0, 8)}…`);
    await expect(trail.locator('li[data-event="TransactionRevised"] .diff').textContent()).resolves.toContain('Total amount 200.00 → 250.00 (+50.00)');
    await shot('04-document');
  });

  it('voids it with a confirmation; the audit trail shows who, when and why', async () => {
    await page.getByRole('button', { name: 'Void' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.textContent()).resolves.toContain('Recorded → Voided');
    await dialog.getByLabel('Why (recorded in the audit trail)').fill('Customer cancelled the order');
    await dialog.getByRole('button', { name: 'Void' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('INV-101 is now Voided.');
    const voided = page.locator('ol.history > li[data-event="TransactionVoided"]');
    await voided.waitFor();
    await expect(voided.locator('[data-field="why"]').textContent()).resolves.toBe('Customer cancelled the order');
    await expect(voided.locator('[data-field="who"]').textContent()).resolves.toBe(`${a.username} (user)`);
    const history = (await api(`/transactions/${encodeURIComponent(COMPANY)}/Sale/INV-101/history`)).body.events;
    expect(history.at(-1)).toMatchObject({ type: 'TransactionVoided', actor: `user:${a.username}`, comment: 'Customer cancelled the order', stateAfter: 'Voided' });
    await eventually(() => page.locator('h1 .badge').textContent(), 'Voided');
    await shot('05-document-voided');
  });

  it('closes July: reconcile then file, each confirmed, with the bulk progress and what blocks a close', async () => {
    await page.getByRole('link', { name: 'Filing periods' }).click();
    await table('Months').waitFor();
    // The console opens on the current year; July 2024 is a few clicks back.
    while (!(await page.locator('tr[data-period="2024-07"]').count())) await page.getByRole('button', { name: 'Previous year' }).click();
    const july = page.locator('tr[data-period="2024-07"][data-region=""]');
    await july.getByRole('link', { name: 'July 2024' }).click();
    const panel = page.getByLabel('Period 2024-07');
    const checks = await panel.locator('ul.checks').textContent();
    expect(checks).toContain('3 Recorded document(s) will be reconciled.');
    // The NY and CA sales were recorded without local content for their ZIPs (Error-level coverage messages).
    expect(checks).toContain('Check: 2 document(s) carry coverage errors: content did not cover them, so their tax may be wrong.');
    await expect(panel.locator('tr[data-state="Voided"] td').last().textContent()).resolves.toBe('1');

    await july.getByRole('button', { name: 'Reconcile' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Comment (kept on every event of the run)').fill('July close');
    await dialog.getByRole('button', { name: 'Reconcile' }).click();
    await dialog.locator('[data-result]').waitFor();
    await expect(dialog.locator('[data-progress]').textContent()).resolves.toBe('3 of 3 document state change(s)');
    await expect(dialog.locator('[data-result]').textContent()).resolves.toBe('Reconcile July 2024: Reconciled. 3 document state change(s), 0 skipped.');
    await shot('06-period-reconciled');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await eventually(() => july.locator('.badge').textContent(), 'Reconciled');

    await july.getByRole('button', { name: 'File' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'File' }).click();
    await dialog.locator('[data-result]').waitFor();
    await expect(dialog.locator('[data-result]').textContent()).resolves.toBe('File July 2024: Filed. 3 document state change(s), 0 skipped.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await eventually(() => july.locator('.badge').textContent(), 'Filed');
    await eventually(async () => (await page.getByLabel('Period 2024-07').locator('ul.checks').textContent())?.includes('Filed. Changes need a reopen'), true);
    const period = (await api(`/periods/${encodeURIComponent(COMPANY)}/2024-07`)).body;
    expect(period).toMatchObject({ status: 'Filed' });
    expect(period.history.find((h: { event: string }) => h.event === 'PeriodReconciled')).toMatchObject({ actor: `user:${a.username}`, documentsTransitioned: 3, comment: 'July close' });
    await shot('07-period-filed');
  });

  it('shows the API’s refusal when a document of the filed month is changed', async () => {
    await openDocument('INV-100');
    await page.getByRole('button', { name: 'Unfile' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Unfile' }).click();
    const alert = dialog.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/^PeriodClosed \(409\): Filing period 2024-07 of company "Harbor Supply" is Filed/);
    await shot('08-refused-in-closed-period');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await api(`/transactions/${encodeURIComponent(COMPANY)}/Sale/INV-100`)).body.processingInfo.transactionState).toBe('Filed');
  });

  it('liability worksheet: totals, chart and rows as the API computes them, exported as its CSV', async () => {
    await page.getByRole('link', { name: 'Liability worksheet' }).click();
    await page.getByLabel('Month').fill('2024-07');
    await table('Worksheet').waitFor();
    const json = (await api(`/reports/${encodeURIComponent(COMPANY)}/2024-07/liability`)).body;
    const total = (m: string) => table('Totals').locator(`tr[data-currency="USD"] td[data-measure="${m}"]`).textContent();
    await expect(total('taxCollected')).resolves.toBe(json.totals.taxCollected.toFixed(2));
    await expect(total('grossSales')).resolves.toBe(json.totals.grossSales.toLocaleString('en-US', { minimumFractionDigits: 2 }));
    const bars = await page.locator('svg.chart g[data-bar]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-bar')));
    expect(bars).toEqual(json.regions.map((r: { region: string }) => r.region));
    for (const r of json.regions) {
      await expect(table('Worksheet').locator(`tr[data-region="${r.region}"] td[data-measure="taxCollected"]`).textContent()).resolves.toBe(r.totals.taxCollected.toFixed(2));
    }
    await expect(table('Voided documents').textContent()).resolves.toContain('INV-101');
    const csv = await download(() => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(csv.name).toBe('liability-Harbor_Supply-2024-07.csv');
    expect(csv.text).toBe((await api(`/reports/${encodeURIComponent(COMPANY)}/2024-07/liability?format=csv`)).text);
    await shot('09-liability');
  });

  it('reconciliation: an uploaded CSV with one mismatch shows it, and exports the comparison', async () => {
    const ledger = async (code: string) => (await api(`/transactions/${encodeURIComponent(COMPANY)}/Sale/${code}`)).body.calculatedTaxSummary;
    const [inv100, inv102, cm7] = [await ledger('INV-100'), await ledger('INV-102'), await ledger('CM-7')];
    const books = [
      'documentCode,transactionType,transactionDate,totalAmount,totalTax,ourReference',
      `INV-100,Sale,2024-07-02,${inv100.subtotal},${inv100.tax},A-1`,
      `INV-102,Sale,2024-07-05,${inv102.subtotal},${(inv102.tax + 1).toFixed(2)},A-2`,
      `CM-7,Sale,2024-07-06,${cm7.subtotal},${cm7.tax},A-3`,
    ].join('\n');
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    await page.getByLabel('Month').fill('2024-07');
    await page.getByLabel(/Your books for July 2024/).setInputFiles({ name: 'bad-books.csv', mimeType: 'text/csv', buffer: Buffer.from('documentCode,transactionType,transactionDate,totalAmount,totalTax\nX,Sale,2024-07-40,1,0\n') });
    await page.getByRole('button', { name: 'Compare with the ledger' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^InvalidClientLedger \(400\): 1 row\(s\) of the client ledger are invalid; first: line 2: transactionDate/);

    await page.getByLabel(/Your books for July 2024/).setInputFiles({ name: 'books-july.csv', mimeType: 'text/csv', buffer: Buffer.from(books) });
    await page.getByRole('button', { name: 'Compare with the ledger' }).click();
    const summary = table('Summary');
    await summary.waitFor();
    const count = (c: string) => summary.locator(`tr[data-category="${c}"] td[data-count]`).textContent();
    await expect(count('taxMismatch')).resolves.toBe('1');
    await expect(count('matched')).resolves.toBe('2');
    await expect(count('amountMismatch')).resolves.toBe('0');
    await expect(count('missingInLedger')).resolves.toBe('0');
    const mismatch = page.locator('details[data-category="taxMismatch"] tr[data-code="INV-102"] td');
    await expect(mismatch.last().textContent()).resolves.toBe('+1.00');
    const csv = await download(() => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(csv.name).toBe('reconciliation-Harbor_Supply-2024-07.csv');
    expect(csv.text).toMatch(/^taxMismatch,INV-102,Sale,2024-07-05,/m);
    expect(csv.text).toMatch(/^total:taxMismatch,1,/m);
    await shot('10-reconciliation');
  });

  it('company setup at a glance; a key created is shown once, then revoked', async () => {
    await page.getByRole('link', { name: 'Company setup' }).click();
    await table('Locations').waitFor();
    await expect(table('Locations').textContent()).resolves.toContain('255 S King St, Seattle, WA, 98104, US');
    await expect(table('Nexus').textContent()).resolves.toContain('WASHINGTON (53)');
    await page.getByLabel('Role').selectOption('api_user');
    await page.getByLabel('Label').fill('webshop connector');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('status', { name: 'New license key' });
    const key = (await shown.locator('[data-key-secret]').textContent())!.trim();
    expect(key).toMatch(/^[0-9a-f-]{36}\.[0-9a-f]{48}$/);
    const who = await t.http.get('/whoami').set('Authorization', `Basic ${Buffer.from(`${a.accountId}:${key}`).toString('base64')}`);
    expect(who.body).toMatchObject({ role: 'api_user' });
    await shot('11-setup-key-shown-once');
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.content()).not.toContain(key);

    const row = table('License keys').locator(`tr[data-key="${who.body.credentialId}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason (recorded)').fill('connector retired');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await eventually(async () => /^revoked \d{4}-/.test((await row.locator('td').nth(4).textContent()) ?? ''), true);
    const refused = await t.http.get('/whoami').set('Authorization', `Basic ${Buffer.from(`${a.accountId}:${key}`).toString('base64')}`);
    expect(refused.status).toBe(401);
    await shot('12-setup-key-revoked');
  });

  it('offers each role only its own actions (account id + license key sign-in)', async () => {
    await signOut();
    await signIn('key', a.accountId, keys.api_user);
    await table('Documents').waitFor();
    await expect(page.locator('.who').textContent()).resolves.toContain('API user');
    await openDocument('INV-200');
    await page.getByRole('button', { name: 'Void' }).waitFor();
    await expect(page.getByRole('button', { name: 'Reconcile' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Filing periods' }).click();
    await table('Months').waitFor();
    await expect(table('Months').getByRole('button').count()).resolves.toBe(0);
    await page.getByText('Your role (api_user) may read periods but not reconcile, file or reopen them.').waitFor();
    await shot('13-api-user');

    await signOut();
    await signIn('key', a.accountId, keys.system_filer);
    await table('Documents').waitFor();
    await openDocument('INV-200');
    await page.getByRole('button', { name: 'Reconcile' }).waitFor();
    await expect(page.getByRole('button', { name: 'Void' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Company setup' }).click();
    await page.getByText('License keys are managed by an account admin.').waitFor();

    // An admin revokes the system filer's key elsewhere: the console's next call is refused, and it signs out saying why.
    const revoked = await t.http.delete(`/licenseKeys/${keys.system_filer.split('.')[0]}`).set(a.auth);
    expect(revoked.status).toBe(200);
    await page.getByRole('link', { name: 'Transactions', exact: true }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('The server refused your credential (Invalid credentials.); sign in again.');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shot('14-signed-out-after-revocation');
  });

  it('a reload signs out (the credential was only in memory), and nothing on the page failed silently', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
  });
});
