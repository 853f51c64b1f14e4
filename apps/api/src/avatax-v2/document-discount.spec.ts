import { toV2Create } from './create-transaction.model';
import { lineDiscount } from './document-discount';

const model = (extra: Record<string, unknown>, lines: Record<string, unknown>[]) => ({
  type: 'SalesInvoice',
  companyCode: 'C',
  code: 'D-1',
  date: '2024-03-15',
  customerCode: 'X',
  addresses: { singleLocation: { line1: '1 Main St', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' } },
  lines,
  ...extra,
});

describe('the document discount (CreateTransactionModel.discount, lines[].discounted)', () => {
  it("goes to the discounted lines only, in proportion to their amounts, to the cent; the last takes the remainder", () => {
    const { document, notices } = toV2Create(
      model({ discount: 10 }, [
        { number: '1', amount: 100, discounted: true },
        { number: '2', amount: 75, discounted: 'false' },
        { number: '3', amount: 200, discounted: 'TRUE' },
      ]),
    );
    expect(document.lines.map((l) => [l.extendedAmount, lineDiscount(l).toFixed(2)])).toEqual([
      [96.67, '3.33'],
      [75, '0.00'],
      [193.33, '6.67'],
    ]);
    expect(notices).toEqual([]);
  });

  it('with no discounted line it is applied to none, and the answer says so', () => {
    const { document, notices } = toV2Create(model({ discount: '10' }, [{ number: '1', amount: 100 }]));
    expect(document.lines[0].extendedAmount).toBe(100);
    expect(notices).toEqual([{ path: 'discount', summary: 'discount was not applied', details: expect.stringContaining('No line is marked discounted') }]);
  });

  it('on a return the discount is negative like its refund lines; more than the discounted lines, or of the other sign, is refused', () => {
    const { document } = toV2Create(model({ type: 'ReturnInvoice', discount: -5 }, [{ number: '1', amount: -50, discounted: true }]));
    expect([document.lines[0].extendedAmount, lineDiscount(document.lines[0]).toNumber()]).toEqual([45, 5]);
    expect(() => toV2Create(model({ discount: 150 }, [{ number: '1', amount: 100, discounted: true }]))).toThrow(/more than the 100/);
    expect(() => toV2Create(model({ discount: -1 }, [{ number: '1', amount: 100, discounted: true }]))).toThrow(/must have the sign of the lines marked discounted/);
  });
});

describe('booleans as AvaTax reads them', () => {
  it('"true" / "false" strings (any case) are booleans; anything else is refused naming the field', () => {
    expect(toV2Create(model({ commit: 'true' }, [{ amount: 1 }])).commit).toBe(true);
    expect(toV2Create(model({ commit: 'False' }, [{ amount: 1 }])).commit).toBe(false);
    expect(toV2Create(model({}, [{ amount: 1, taxIncluded: 'true' }])).document.lines[0].taxIncluded).toBe(true);
    expect(() => toV2Create(model({ commit: 'yes' }, [{ amount: 1 }]))).toThrow(/commit must be true or false/);
    expect(() => toV2Create(model({}, [{ amount: 1, taxIncluded: 1 }]))).toThrow(/lines\[0\]\.taxIncluded must be true or false/);
  });
});

describe('returns keep the sign AvaTax was sent', () => {
  it('a negative line is refunded (positive in the engine), a positive one adds liability and is pointed out', () => {
    const { document, notices } = toV2Create(model({ type: 'ReturnInvoice' }, [{ number: '1', amount: -100 }, { number: '2', amount: 10 }]));
    expect(document.lines.map((l) => l.extendedAmount)).toEqual([100, -10]);
    expect(notices.map((n) => n.path)).toEqual(['lines[1].amount']);
  });
});
