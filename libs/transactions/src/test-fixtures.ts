/**
 * Test fixtures: builds RecordedEvents the way the event store would deliver them (per-stream
 * revisions, a strictly increasing global position, metadata with a deterministic clock).
 * Used by the projection specs and test/contract/read-store.contract-spec.ts; not exported from index.
 */
import type { EventMetadata, RecordedEvent } from '@tax-ledger/platform';
import { decide, fold, STATE_CHANGE_EVENT, type TaxTransaction, type TaxTransactionCommand } from './tax-transaction.decider';
import { type CredentialRole, LedgerError, type StateTransition, type TransactionState, TRANSITION_TABLE } from '@tax-ledger/ledger';
import { accountStreamName } from '@tax-ledger/accounts';
import { type TransactionKey, transactionStreamName } from './transaction-key';
import { type StateChangeData, type TaxTransactionEvent, type TransactionRenameData, type TransactionVersionData } from './tax-transaction.events';
import type { CalculatedTaxDocument } from '@tax-ledger/tax-engine';

export interface DocumentOptions {
  transactionDate?: string;
  customerCode?: string;
  vendorCode?: string;
  currency?: string;
  amount?: number;
  rate?: number;
  /** Coverage messages the engine would have given (severities only matter to the read side). */
  messages?: CalculatedTaxDocument['messages'];
  /** REST v2: false records an uncommitted (Saved) version. */
  committed?: boolean;
}

/** A coverage message of line 1 (LocalContentMissing when an Error, StateInferredFromZip when a Warning). */
export const coverageMessage = (severity: 'Error' | 'Warning'): NonNullable<CalculatedTaxDocument['messages']>[number] => ({
  code: severity === 'Error' ? 'LocalContentMissing' : 'StateInferredFromZip',
  severity,
  summary: severity === 'Error' ? 'No local tax content for ZIP 73301 (TX)' : 'The shipTo address has no state; WA was taken from ZIP 98101',
  details: 'fixture',
  refersTo: 'Line 1',
  source: 'tax-ledger content',
  lineIndex: 0,
  lineCode: '1',
});

/** A minimal calculated document: one line, one state tax. */
export function calculatedDocument(key: TransactionKey, options: DocumentOptions = {}): CalculatedTaxDocument {
  const amount = options.amount ?? 100;
  const rate = options.rate ?? 0.065;
  const tax = Math.round(amount * rate * 100) / 100;
  const header: CalculatedTaxDocument['header'] = {
    companyCode: key.companyCode,
    transactionType: key.transactionType,
    documentCode: key.documentCode,
    transactionDate: options.transactionDate ?? '2024-01-15',
    currency: options.currency ?? 'USD',
  };
  if (options.customerCode !== undefined) header.customerCode = options.customerCode;
  if (options.vendorCode !== undefined) header.vendorCode = options.vendorCode;
  const document: CalculatedTaxDocument = {
    header,
    lines: [
      {
        lineCode: '1',
        itemCode: 'SKU-1',
        extendedAmount: amount,
        itemDescription: 'Widget',
        calculatedTax: {
          appliedTax: tax,
          subtotalTaxable: amount,
          subtotalExempt: 0,
          taxAuthorities: [
            {
              jurisdictionName: 'WASHINGTON',
              jurisdictionType: 'StateOrProvince',
              jurisdictionCode: '53',
              details: [
                { taxType: 'WASHINGTON STATE Sales', subtotalTaxable: amount, subtotalExempt: 0, rate, tax, exempt: false, passthrough: false },
              ],
            },
          ],
        },
      },
    ],
    calculatedTaxSummary: {
      numberOfTaxableLines: 1,
      numberOfExemptLines: 0,
      numberOfLines: 1,
      subtotal: amount,
      subtotalTaxable: amount,
      subtotalExempt: 0,
      tax,
      grandTotal: amount + tax,
    },
  };
  if (options.messages?.length) document.messages = options.messages;
  return document;
}

export const key = (
  documentCode: string,
  overrides: Partial<TransactionKey> = {},
): TransactionKey => ({ accountId: 'acc-1', companyCode: 'DEFAULT', transactionType: 'Sale', documentCode, ...overrides });


/** Appends events to an in-memory log; each method returns the RecordedEvent it created. */
export class EventLog {
  readonly events: RecordedEvent[] = [];
  private position = 0;
  private readonly revisions = new Map<string, number>();
  private readonly documents = new Map<string, { version: number; state: TransactionState }>();
  /** Streams whose document was renamed away: the next record starts a new document there. */
  private readonly renamed = new Set<string>();

  constructor(private readonly epoch = Date.UTC(2024, 0, 1)) {}

  /** TransactionRecorded for a new document, TransactionRevised for a known one. */
  record(k: TransactionKey, options: DocumentOptions = {}): RecordedEvent<string, TransactionVersionData> {
    const stream = transactionStreamName(k);
    const current = this.documents.get(stream);
    const renamed = this.renamed.delete(stream);
    const version = (current?.version ?? 0) + 1;
    this.documents.set(stream, { version, state: 'Recorded' });
    const data: TransactionVersionData = {
      accountId: k.accountId,
      companyCode: k.companyCode,
      transactionType: k.transactionType,
      documentCode: k.documentCode,
      version,
      versionId: `${stream}-v${version}`.replace(/[^a-z0-9]/gi, '').slice(-32),
      document: calculatedDocument(k, options),
      contentVersion: 'content-2024.1',
      taxDate: options.transactionDate ?? '2024-01-15',
      calculationDuration: 0.002,
      ...(options.committed === false ? { committed: false } : {}),
    };
    return this.push(stream, current && !renamed ? 'TransactionRevised' : 'TransactionRecorded', data);
  }

  /** TransactionRenamed (REST v2 changecode): the document leaves `k`'s code for `newCode`. */
  rename(k: TransactionKey, newCode: string): RecordedEvent<string, TransactionRenameData> {
    const stream = transactionStreamName(k);
    const current = this.documents.get(stream);
    if (!current || this.renamed.has(stream)) throw new Error(`fixture: ${stream} not recorded`);
    this.renamed.add(stream);
    const data: TransactionRenameData = { accountId: k.accountId, companyCode: k.companyCode, transactionType: k.transactionType, documentCode: k.documentCode, version: current.version, newCode };
    return this.push(stream, 'TransactionRenamed', data);
  }

  changeState(k: TransactionKey, transition: StateTransition, comment?: string): RecordedEvent<string, StateChangeData> {
    const stream = transactionStreamName(k);
    const current = this.documents.get(stream);
    if (!current) throw new Error(`fixture: ${stream} not recorded`);
    const rule = TRANSITION_TABLE[transition];
    if (current.state !== rule.from) throw new Error(`fixture: ${transition} from ${current.state}`);
    current.state = rule.to;
    const data: StateChangeData = {
      accountId: k.accountId,
      companyCode: k.companyCode,
      transactionType: k.transactionType,
      documentCode: k.documentCode,
      version: current.version,
      from: rule.from,
      to: rule.to,
    };
    if (comment !== undefined) data.comment = comment;
    return this.push(stream, STATE_CHANGE_EVENT[transition], data);
  }

  accountProvisioned(accountId: string, accountName = accountId): RecordedEvent {
    return this.push(accountStreamName(accountId), 'AccountProvisioned', { accountId, accountName });
  }

  licenseKeyIssued(accountId: string, credentialId: string, role: CredentialRole = 'account_admin', label?: string): RecordedEvent {
    const data: Record<string, unknown> = { accountId, credentialId, role, keyHash: `scrypt$16384$8$1$c2FsdA==$${credentialId}` };
    if (label !== undefined) data.label = label;
    return this.push(accountStreamName(accountId), 'LicenseKeyIssued', data);
  }

  companyCreated(accountId: string, companyCode: string, companyName = `${companyCode} Inc.`): RecordedEvent {
    return this.push(accountStreamName(accountId), 'CompanyCreated', {
      accountId,
      companyCode,
      companyName,
      defaultCurrency: 'USD',
    });
  }

  /** ISO instant of the event at `globalPosition`. */
  occurredAt(globalPosition: number): string {
    return new Date(this.epoch + globalPosition * 1000).toISOString();
  }

  private push<D>(streamName: string, type: string, data: D): RecordedEvent<string, D> {
    const revision = (this.revisions.get(streamName) ?? -1) + 1;
    this.revisions.set(streamName, revision);
    const globalPosition = ++this.position;
    const metadata: EventMetadata = {
      schemaVersion: 1,
      actor: 'account:test',
      credentialId: 'cred-test',
      requestId: `req-${globalPosition}`,
      correlationId: `req-${globalPosition}`,
      causationId: `req-${globalPosition}`,
      userAgent: 'jest',
      occurredAt: this.occurredAt(globalPosition),
    };
    const event: RecordedEvent<string, D> = {
      id: `00000000-0000-4000-8000-${String(globalPosition).padStart(12, '0')}`,
      streamName,
      revision,
      globalPosition,
      type,
      // Through JSON like a stored event: no undefined, no shared references.
      data: JSON.parse(JSON.stringify(data)) as D,
      metadata,
    };
    this.events.push(event as RecordedEvent);
    return event;
  }
}

/** Decider specs: run commands in order against the events so far; every event and the final state. */
export function runCommands(...commands: TaxTransactionCommand[]): { events: TaxTransactionEvent[]; state: TaxTransaction } {
  const events: TaxTransactionEvent[] = [];
  for (const command of commands) events.push(...decide(command, fold(events)));
  return { events, state: fold(events) };
}

/** Decider specs: the LedgerError `fn` throws (anything else fails the spec). */
export function ledgerErrorOf(fn: () => unknown): LedgerError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('expected a LedgerError');
}
