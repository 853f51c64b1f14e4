/**
 * Opens the report URLs in headless Chromium (Debian's `chromium`, driven by playwright-core) the way a
 * finance user does: typed into the address bar, the browser's own Accept header, no TNG headers; the
 * server's Basic challenge is answered with the account id and license key (or a username and
 * password), as the browser's password dialog would. Checks that the HTML page renders the report's
 * numbers and its chart, loading nothing else, and that `?format=csv` downloads the CSV.
 * Without /usr/bin/chromium the suite is declared skipped (never passed).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { postSale, transition } from './support/period-documents';
import { provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's chromium; CHROMIUM_PATH overrides it (e.g. to check the skip). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const describeWithChromium = haveChromium ? describe : describe.skip;

describeWithChromium(`HTML report in headless Chromium${haveChromium ? '' : ` (SKIPPED: ${CHROMIUM} is not installed; apt-get install -y chromium)`}`, () => {
  let t: TestApp;
  let a: Account & { username: string; userPassword: string };
  let baseUrl: string;
  let context: BrowserContext;
  let profileDir: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = (await provisionAccount(t, 'Acme <Boats> & "Co"')) as typeof a;
    await postSale(t, a, { code: 'B1', date: '2024-07-02', to: 'WA', amounts: [100] }); // 6.50
    await postSale(t, a, { code: 'B2', date: '2024-07-03', to: 'CA', amounts: [200] }); // 14.50
    await postSale(t, a, { code: 'B3<x>', date: '2024-07-04', to: 'CA', amounts: [10] }); // voided: 0.73 excluded
    await transition(t, a, 'B3<x>', 'Voided');
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    profileDir = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
      // What the user types into the browser's password dialog; sent only after the server's challenge.
      httpCredentials: { username: a.accountId, password: a.licenseKey },
      acceptDownloads: true,
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await t?.close();
  });

  it('renders the totals, the per-region rows, the voided list and an SVG bar per region, with no other request', async () => {
    const json = (await t.http.get(`/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability`).set(a.headers)).body;
    expect(json.totals).toMatchObject({ grossSales: 300, taxCollected: 21 });

    const page = await context.newPage();
    const requests: string[] = [];
    const sent: Record<string, string>[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('request', (r) => void r.allHeaders().then((h) => sent.push(h)));
    // No ?format=: the browser's own Accept header (text/html first) chooses the HTML page.
    const url = `${baseUrl}/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability`;
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    // Only the page itself (asked again with the credential after the challenge), nothing else.
    expect(new Set(requests)).toEqual(new Set([url]));
    for (const headers of sent) {
      expect(headers.accept).toMatch(/^text\/html,/);
      expect(headers.accept).not.toContain('tax-version');
      expect(headers['x-avalara-accountid']).toBeUndefined();
    }

    expect(await page.title()).toBe('Liability Acme <Boats> & "Co" · 2024-07');
    expect(await page.locator('h1').textContent()).toBe('Sales tax liability worksheet');
    const total = (measure: string) => page.locator(`#totals td[data-measure="${measure}"]`).textContent();
    expect(await total('grossSales')).toBe('300.00');
    expect(await total('taxCollected')).toBe('21.00');
    expect(await total('taxableSales')).toBe('300.00');

    for (const region of json.regions) {
      const row = page.locator(`#worksheet tr.total[data-region="${region.region}"]`);
      expect(await row.locator('td[data-measure="taxCollected"]').textContent()).toBe(region.totals.taxCollected.toFixed(2));
      const bar = page.locator(`svg g[data-region="${region.region}"]`);
      expect(await bar.locator('text').last().textContent()).toBe(region.totals.taxCollected.toFixed(2));
      const box = await bar.locator('rect').boundingBox();
      expect(box && box.width > 0 && box.height > 0).toBe(true);
    }
    // CA's bar (14.50) is drawn longer than WA's (6.50).
    const width = async (r: string) => (await page.locator(`svg g[data-region="${r}"] rect`).boundingBox())!.width;
    expect(await width('CA')).toBeGreaterThan(await width('WA'));
    // The voided document is listed (its code escaped, shown as text) and left out of the totals.
    expect(await page.locator('#voided td').first().textContent()).toBe('B3<x>');
    expect(await page.locator('script').count()).toBe(0);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#worksheet').isVisible()).toBe(true);
    await page.close();
  });

  it('?format=csv typed into the address bar downloads the CSV (the same table the API answers)', async () => {
    const page = await context.newPage();
    const url = `${baseUrl}/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability?format=csv`;
    const [download] = await Promise.all([page.waitForEvent('download'), page.goto(url).catch(() => undefined)]);
    expect(download.suggestedFilename()).toBe('liability-Acme_Boats_Co_-2024-07.csv');
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    const api = await t.http.get(`/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability?format=csv`).set(a.headers);
    expect(text).toBe(api.text);
    expect(text).toContain('liability,period,USD,,,,,,,,,,,300,');
    await page.close();
  });

  it('a username and password answer the challenge as well', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    try {
      const page = await browser.newPage({ httpCredentials: { username: a.username, password: a.userPassword } });
      const response = await page.goto(`${baseUrl}/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability?format=html`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('#totals td[data-measure="taxCollected"]').textContent()).toBe('21.00');
      const refused = await (await browser.newPage({ httpCredentials: { username: a.username, password: 'not the password' } })).goto(`${baseUrl}/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability`);
      expect(refused?.status()).toBe(401);
    } finally {
      await browser.close();
    }
  });
});
