import { LedgerError } from '@tax-ledger/ledger';
import { decideMultiDocument, evolveMultiDocument, initialMultiDocument, type MultiDocumentCommand, type MultiDocumentState } from './multi-document.decider';
import { type MultiDocumentComponent, type MultiDocumentEvent, multiDocumentStreamName } from './multi-document.events';

const key = { accountId: 'acc-1', code: 'MD/1', type: 'SalesInvoice' };
const seller = (companyCode: string, version = 1): MultiDocumentComponent => ({ companyCode, documentCode: 'MD/1', transactionType: 'Sale', version });
const given = (...commands: MultiDocumentCommand[]): MultiDocumentState =>
  commands.reduce((s, c) => decideMultiDocument(s, c, key).reduce((x: MultiDocumentState, e: MultiDocumentEvent) => evolveMultiDocument(x, e), s), initialMultiDocument);
const refusal = (state: MultiDocumentState, cmd: MultiDocumentCommand) => {
  try {
    decideMultiDocument(state, cmd, key);
  } catch (error) {
    return { code: (error as LedgerError).code, category: (error as LedgerError).category };
  }
  throw new Error('not refused');
};
const create: MultiDocumentCommand = { type: 'CreateMultiDocument', documents: [seller('A'), seller('B')], request: { code: 'MD/1' } };

describe('MultiDocument decider', () => {
  it('given nothing, when created, then MultiDocumentCreated naming every component; created again: MultiDocumentExists (conflict)', () => {
    expect(decideMultiDocument(initialMultiDocument, create, key)).toEqual([{ type: 'MultiDocumentCreated', data: { ...key, documents: [seller('A'), seller('B')], request: { code: 'MD/1' } } }]);
    const state = given(create);
    expect(state).toEqual({ exists: true, documents: [seller('A'), seller('B')] });
    expect(refusal(state, create)).toEqual({ code: 'MultiDocumentExists', category: 'conflict' });
  });

  it('a MultiDocument holds at least one component, and one per seller company', () => {
    expect(refusal(initialMultiDocument, { type: 'CreateMultiDocument', documents: [] })).toEqual({ code: 'MultiDocumentWithoutDocuments', category: 'invalid' });
    expect(refusal(initialMultiDocument, { type: 'CreateMultiDocument', documents: [seller('A'), seller('A', 2)] })).toEqual({ code: 'MultiDocumentDuplicateDocument', category: 'invalid' });
  });

  it('a refund records the MultiDocument it refunds', () => {
    const [event] = decideMultiDocument(initialMultiDocument, { type: 'CreateMultiDocument', documents: [seller('A')], refundOf: { code: 'MD/0', type: 'SalesInvoice', refundType: 'Full' } }, key);
    expect(event.data).toMatchObject({ refundOf: { code: 'MD/0', type: 'SalesInvoice', refundType: 'Full' } });
    expect(event.data).not.toHaveProperty('request');
  });

  it('given a MultiDocument, when adjusted, then the new components and the ones that left it', () => {
    const adjust: MultiDocumentCommand = { type: 'AdjustMultiDocument', documents: [seller('A', 2), seller('C')], request: {}, adjustmentReason: 'PriceAdjusted', adjustmentDescription: 'moved' };
    expect(decideMultiDocument(given(create), adjust, key)).toEqual([
      { type: 'MultiDocumentAdjusted', data: { ...key, documents: [seller('A', 2), seller('C')], removed: [seller('B')], request: {}, adjustmentReason: 'PriceAdjusted', adjustmentDescription: 'moved' } },
    ]);
    expect(given(create, adjust).documents).toEqual([seller('A', 2), seller('C')]);
  });

  it('given nothing, adjust and every operation are MultiDocumentNotFound (not_found)', () => {
    expect(refusal(initialMultiDocument, { type: 'AdjustMultiDocument', documents: [seller('A')], request: {}, adjustmentReason: 'Other' })).toEqual({ code: 'MultiDocumentNotFound', category: 'not_found' });
    expect(refusal(initialMultiDocument, { type: 'RecordMultiDocumentChange', operation: 'void', documents: [] })).toEqual({ code: 'MultiDocumentNotFound', category: 'not_found' });
  });

  it('an operation on every component records their new versions and why; it must name exactly the current components', () => {
    const state = given(create);
    expect(decideMultiDocument(state, { type: 'RecordMultiDocumentChange', operation: 'void', documents: [seller('B', 2), seller('A', 2)], reason: 'DocVoided' }, key)).toEqual([
      { type: 'MultiDocumentChanged', data: { ...key, operation: 'void', documents: [seller('B', 2), seller('A', 2)], reason: 'DocVoided' } },
    ]);
    expect(refusal(state, { type: 'RecordMultiDocumentChange', operation: 'commit', documents: [seller('A')] })).toEqual({ code: 'MultiDocumentChangedMeanwhile', category: 'conflict' });
    expect(refusal(state, { type: 'RecordMultiDocumentChange', operation: 'commit', documents: [seller('A'), seller('C')] })).toEqual({ code: 'MultiDocumentChangedMeanwhile', category: 'conflict' });
  });

  it('the stream name encodes every part, so a code with / stays one MultiDocument', () => {
    expect(multiDocumentStreamName(key)).toBe('MultiDocument-acc-1/SalesInvoice/MD%2F1');
  });
});
