import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { LedgerError } from '@tax-ledger/ledger';
import { type MultiDocumentCommand, type MultiDocumentComponent, type MultiDocumentKey, type MultiDocumentView } from '@tax-ledger/multi-documents';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { type TaxDocument } from '@tax-ledger/tax-engine';
import { type AvataxVersionInfo, type TransactionKey, type TransactionView } from '@tax-ledger/transactions';
import { type Caller } from '../../auth/caller';
import { ApiError } from '../../common/api-error';
import { PeriodLock } from '../../document-write/period-lock';
import { type CalculatedVersion, RecordDocumentVersion } from '../../document-write/record-document-version';
import { ChangeTransactionStateCommand } from '../../transactions/change-transaction-state/change-transaction-state.command';
import { GetTransactionQuery } from '../../transactions/get-transaction/get-transaction.query';
import { decodeAvataxCode, DOCUMENT_TYPES, type DocumentType, enumValue, isOrderType, v2Error, valueRequired } from '../avatax-codes';
import { calculate, RecordV2TransactionCommand } from '../avatax-v2.commands';
import { RequestSchemas } from '../../common/request-schema';
import { flag, toV2Create } from '../create-transaction.model';
import { CreateTransactionModelDto } from '../create-transaction.schema';
import { type Include, presentV2Transaction, v2Status } from '../transaction.presenter';
import { documentTypeOf, objectBody, V2Transactions } from '../transactions/v2-transactions';
import { asV2, toV2Error, type V2Operation } from '../v2-errors';
import { RecordMultiDocumentCommand } from './record-multi-document.command';

/** One seller's part of a MultiDocument request: an ordinary document of that company under the MultiDocument's code. */
export interface PlannedComponent {
  key: TransactionKey;
  document: TaxDocument;
  /** The component's own CreateTransactionModel (the header, its lines): the audit of the single document shows it. */
  request: Record<string, unknown>;
  /** Where its first line was in the request (`lines[i]`), for errors about the seller. */
  target: string;
  calculated?: CalculatedVersion;
}

/** A CreateMultiDocumentModel checked whole and split by seller; nothing written yet. */
export interface MultiDocumentPlan {
  key: MultiDocumentKey;
  documentType: DocumentType;
  commit: boolean;
  allowAdjust: boolean;
  request: Record<string, unknown>;
  components: PlannedComponent[];
}

export const componentRef = (view: TransactionView): MultiDocumentComponent => ({
  companyCode: view.companyCode,
  documentCode: view.documentCode,
  transactionType: view.transactionType,
  version: view.version,
});

const sameSeller = (a: { companyCode: string; transactionType: string }, b: { companyCode: string; transactionType: string }) =>
  a.companyCode === b.companyCode && a.transactionType === b.transactionType;

/**
 * What the MultiDocument routes share (docs/avatax-v2.md "MultiDocument transactions"): the MultiDocument a
 * request names, its components, the plan of a create or adjust (validated whole and calculated before
 * anything is written), writing it (components first, the MultiDocument's stream last), presenting it.
 */
@Injectable()
export class MultiDocuments {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly versions: RecordDocumentVersion,
    private readonly periodLock: PeriodLock,
    private readonly v2: V2Transactions,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly schemas: RequestSchemas,
  ) {}

  /** The MultiDocument of a path's code (AvaTax's escapes) and type, or 404 EntityNotFoundError. */
  async find(caller: Caller, rawCode: string, rawType: unknown): Promise<MultiDocumentView> {
    const type = enumValue(DOCUMENT_TYPES, rawType, 'type');
    const code = decodeAvataxCode(rawCode);
    const view = await this.readStore.getMultiDocument(caller.accountId, code, type);
    if (!view) throw new ApiError(404, 'EntityNotFoundError', `No MultiDocument transaction with code "${code}" and type ${type} in this account.`, 'code');
    return view;
  }

  /** The MultiDocument of these codes (as they are, no path escapes), or null. */
  existing(caller: Caller, code: string, type: string): Promise<MultiDocumentView | null> {
    return this.readStore.getMultiDocument(caller.accountId, code, type);
  }

  /** The MultiDocument of a body's code and optional type (absent: the one kept under that code, of any type). */
  async findInBody(caller: Caller, m: Record<string, unknown>, typeRequired: boolean): Promise<MultiDocumentView> {
    if (typeof m.code !== 'string' || m.code === '') throw valueRequired('code');
    if (m.type !== undefined && m.type !== null) return this.find(caller, m.code, m.type);
    if (typeRequired) throw valueRequired('type');
    for (const type of DOCUMENT_TYPES.filter((t) => !isOrderType(t))) {
      const view = await this.readStore.getMultiDocument(caller.accountId, m.code, type);
      if (view) return view;
    }
    throw new ApiError(404, 'EntityNotFoundError', `No MultiDocument transaction with code "${m.code}" in this account.`, 'code');
  }

  /** The component documents as they are now (each also reachable through the single-document routes). */
  async componentsOf(view: MultiDocumentView): Promise<TransactionView[]> {
    return Promise.all(
      view.documents.map(async (d) => {
        const key: TransactionKey = { accountId: view.accountId, companyCode: d.companyCode, transactionType: d.transactionType as TransactionKey['transactionType'], documentCode: d.documentCode };
        const component: TransactionView | null = await this.queries.execute(new GetTransactionQuery(key));
        // Components are written before the MultiDocument names them: a missing one is a bug, never a 404.
        if (!component) throw new Error(`MultiDocument ${view.streamId} names ${d.companyCode}/${d.documentCode}, which the transactions read model does not hold`);
        return component;
      }),
    );
  }

  /** AvaTax's MultiDocumentModel. */
  async present(view: MultiDocumentView, include: Include, components?: TransactionView[]) {
    const documents = components ?? (await this.componentsOf(view));
    return {
      id: view.id,
      accountId: view.accountId,
      code: view.code,
      type: view.type,
      createdDate: view.createdAt,
      createdUserId: 0,
      createdBy: view.createdBy,
      modifiedDate: view.modifiedAt,
      modifiedUserId: 0,
      modifiedBy: view.modifiedBy,
      documents: await Promise.all(documents.map((d) => this.v2.present(d, include))),
    };
  }

  /**
   * A CreateMultiDocumentModel checked whole (the header and every line, as createTransaction checks
   * them, with the request's own line indexes), split into one document per seller company
   * (`lines[].companyCode`, else the header's `companyCode`), every seller a company of the account.
   * `fixed`: the code and type an adjust keeps.
   */
  async plan(body: unknown, caller: Caller, fixed?: { code: string; type: string }): Promise<MultiDocumentPlan> {
    // Property names in any case, as createTransaction reads them (the transaction model's names; a line's
    // companyCode is spelt as sent).
    const m = objectBody(this.schemas.canonicalProperties(CreateTransactionModelDto, body), 'CreateMultiDocumentModel');
    const allowAdjust = flag(m.allowAdjust, 'allowAdjust');
    const lines = Array.isArray(m.lines) ? (m.lines as unknown[]) : [];
    const sellerOf = (line: unknown): unknown => (line !== null && typeof line === 'object' ? (line as Record<string, unknown>).companyCode : undefined);
    lines.forEach((line, i) => {
      const seller = sellerOf(line);
      if (seller !== undefined && seller !== null && (typeof seller !== 'string' || seller.trim() === '')) {
        throw v2Error(400, 'InvalidParameterValue', 'A line\'s companyCode is the code of the company selling it.', `lines[${i}].companyCode`);
      }
    });
    // A line naming no seller is the header company's (AvaTax: the default company when there is none).
    const headerCompany = typeof m.companyCode === 'string' && m.companyCode !== '' ? m.companyCode : await this.v2.onlyCompany(caller.accountId);
    if (headerCompany === undefined && lines.some((line) => sellerOf(line) === undefined || sellerOf(line) === null)) throw valueRequired('companyCode');
    const firstSeller = lines.map(sellerOf).find((s): s is string => typeof s === 'string');
    const whole = toV2Create(fixed ? { ...m, code: fixed.code, type: fixed.type } : m, { companyCode: headerCompany ?? firstSeller });
    const { lines: _lines, allowAdjust: _allow, ...header } = whole.request as unknown as Record<string, unknown>;
    const groups = new Map<string, number[]>();
    lines.forEach((line, i) => {
      const seller = (sellerOf(line) as string | null | undefined) ?? headerCompany!;
      groups.set(seller, [...(groups.get(seller) ?? []), i]);
    });
    const components: PlannedComponent[] = [];
    for (const [companyCode, indexes] of groups) {
      const named = sellerOf(lines[indexes[0]]);
      const target = named === undefined || named === null ? 'companyCode' : `lines[${indexes[0]}].companyCode`;
      if (!(await this.readStore.getCompanySetup(caller.accountId, companyCode))) {
        throw new ApiError(404, 'EntityNotFoundError', `Company "${companyCode}" does not exist in this account.`, target);
      }
      components.push({
        key: { accountId: caller.accountId, companyCode, transactionType: whole.transactionType, documentCode: whole.code },
        document: { header: { ...whole.document.header, companyCode }, lines: indexes.map((i) => whole.document.lines[i]) },
        request: { ...header, companyCode, lines: indexes.map((i) => lines[i]) },
        target,
      });
    }
    return {
      key: { accountId: caller.accountId, code: whole.code, type: whole.documentType },
      documentType: whole.documentType,
      commit: whole.commit,
      allowAdjust: allowAdjust === true,
      request: whole.request as unknown as Record<string, unknown>,
      components,
    };
  }

  /** Every component calculated (the coverage policy refuses before anything is written). */
  async calculate(plan: MultiDocumentPlan, strict: boolean | undefined): Promise<void> {
    for (const c of plan.components) c.calculated = await calculate(this.versions, this.readStore, c.key.accountId, c.document, strict);
  }

  /** An `*Order` is an estimate, as for createTransaction: calculated and answered, nothing kept (id 0, Temporary). */
  async presentEstimate(plan: MultiDocumentPlan, include: Include) {
    const now = new Date().toISOString();
    const documents = [];
    for (const c of plan.components) {
      documents.push(
        presentV2Transaction(
          c.calculated!.calculation.document,
          {
            documentType: plan.documentType,
            code: plan.key.code,
            status: { status: 'Temporary', reconciled: false, locked: false },
            version: 1,
            modifiedDate: now,
            taxDate: c.calculated!.calculation.taxDate,
            id: 0,
            companyId: await this.v2.companyIdOf(c.key.accountId, c.key.companyCode),
          },
          include,
        ),
      );
    }
    return { id: 0, accountId: plan.key.accountId, code: plan.key.code, type: plan.key.type, createdDate: now, createdUserId: 0, modifiedDate: now, modifiedUserId: 0, documents };
  }

  /**
   * The component of a new seller, if its code is free in that company, or holds this MultiDocument's own
   * component that a lost second write left behind (then the retry completes with it); else 400
   * DocumentCodeConflict. Checked for every seller before the first write.
   */
  async freeOrOwn(plan: MultiDocumentPlan, c: PlannedComponent): Promise<TransactionView | null> {
    const existing: TransactionView | null = await this.queries.execute(new GetTransactionQuery(c.key));
    if (!existing) return null;
    const own = existing.avatax?.multiDocument?.code === plan.key.code && existing.avatax.multiDocument.type === plan.key.type;
    if (own && existing.state === 'Recorded' && !v2Status(existing).locked) return existing;
    throw v2Error(400, 'DocumentCodeConflict', `Company "${c.key.companyCode}" already has a document with code "${c.key.documentCode}" that is not part of this MultiDocument.`, c.target);
  }

  /**
   * Refuses, before anything is written, an operation some component cannot take: a locked (filed) one
   * makes the whole MultiDocument MultiDocumentPartiallyLocked (AvaTax's error 1312); a voided or
   * reconciled one answers as the single-document route would; a component in a closed filing period is
   * PeriodClosed (`periods: false`: verify, which changes nothing a period holds). `allowVoided`: void
   * leaves an already voided component as it is.
   */
  async assertChangeable(components: TransactionView[], op: V2Operation, options: { committing?: boolean; allowVoided?: boolean; periods?: boolean } = {}): Promise<void> {
    const locked = components.find((c) => v2Status(c).locked);
    if (locked) {
      throw v2Error(400, 'MultiDocumentPartiallyLocked', `Part of this MultiDocument is locked (company "${locked.companyCode}" filed its document); the MultiDocument can no longer be changed. Change each seller's document on its own.`, 'code');
    }
    for (const c of components) {
      if (c.state === 'Voided' && options.allowVoided) continue;
      if (c.state !== 'Recorded') throw toV2Error(new LedgerError('TransactionNotEditable', `The document of company "${c.companyCode}" is ${c.state}.`, 'conflict', 'code', { state: c.state }), op);
      if (options.periods !== false) await asV2(op, () => this.periodLock.assertStateChangeAllowed(this.v2.keyOf(c), { committing: options.committing }));
    }
  }

  /** The components' period check for new versions: a committed one may not land in (or leave) a closed period. */
  async assertPeriodsOpen(plan: MultiDocumentPlan): Promise<void> {
    if (!plan.commit) return;
    for (const c of plan.components) await asV2('create', () => this.periodLock.assertOpen(c.key, c.calculated!.calculation.document));
  }

  /**
   * Writes one planned component: created, or (`current`) its next version; a component already holding
   * exactly this request (a retry after the MultiDocument's own write was lost) is kept as it is. `extra`:
   * what else its version says (adjustment reason, the document a refund refunds).
   */
  async writeComponent(
    plan: MultiDocumentPlan,
    c: PlannedComponent,
    current: TransactionView | null,
    metadata: EventMetadata,
    strict: boolean | undefined,
    extra: Partial<Omit<AvataxVersionInfo, 'request' | 'multiDocument'>> = {},
  ): Promise<TransactionView> {
    if (current && (current.committed !== false) === plan.commit && JSON.stringify(await this.requestOf(current)) === JSON.stringify(c.request)) return current;
    const avatax: AvataxVersionInfo = { documentType: plan.documentType, request: c.request, ...extra, multiDocument: { code: plan.key.code, type: plan.key.type } };
    const { view } = await asV2(current ? 'adjust' : 'create', () =>
      this.commands.execute(
        new RecordV2TransactionCommand(c.key, c.document, current ? 'revise' : 'create', plan.commit, avatax, metadata, { result: c.calculated!.calculation, duration: c.calculated!.calculationDuration }, strict, current ? { ifMatch: [current.versionId] } : {}),
      ),
    );
    return view as TransactionView;
  }

  /** The request the document's latest version was recorded from (its stream's last TransactionRecorded or TransactionRevised). */
  private async requestOf(view: TransactionView): Promise<unknown> {
    const events = await this.eventStore.readStream(view.id);
    const latest = [...events].reverse().find((e) => e.type === 'TransactionRecorded' || e.type === 'TransactionRevised');
    return (latest?.data as { avatax?: AvataxVersionInfo } | undefined)?.avatax?.request;
  }

  /** Voids a component that left the MultiDocument (an adjust moved its seller's lines away); a voided one stays as it is. */
  async voidComponent(component: TransactionView, comment: string, caller: Caller, metadata: EventMetadata): Promise<TransactionView> {
    if (component.state === 'Voided') return component;
    const { view } = await asV2('void', () =>
      this.commands.execute(new ChangeTransactionStateCommand(this.v2.keyOf(component), 'Voided', comment, caller.role, metadata, { ifMatch: [component.versionId] })),
    );
    return view as TransactionView;
  }

  /** The MultiDocument's own event, after the components it names are written. */
  async record(key: MultiDocumentKey, change: MultiDocumentCommand, metadata: EventMetadata): Promise<MultiDocumentView> {
    try {
      return await this.commands.execute(new RecordMultiDocumentCommand(key, change, metadata));
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'MultiDocumentExists') throw v2Error(400, 'DocumentCodeConflict', error.message, 'code');
      if (error instanceof LedgerError && error.code === 'MultiDocumentNotFound') throw new ApiError(404, 'EntityNotFoundError', error.message, 'code');
      throw error;
    }
  }

  /** The member a planned component continues (same seller company and ledger type), if any. */
  memberFor(components: TransactionView[], c: PlannedComponent): TransactionView | undefined {
    return components.find((m) => sameSeller(m, c.key));
  }

  /** `*Order` types are estimates: never kept, so there is nothing to get, adjust or change. */
  static isEstimate(plan: MultiDocumentPlan): boolean {
    return isOrderType(plan.documentType);
  }

  documentTypeOf = documentTypeOf;
}
