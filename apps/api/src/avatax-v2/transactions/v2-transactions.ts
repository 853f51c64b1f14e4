import { applyDecorators, Controller, Inject, Injectable, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { CalculationKey, CalculationView } from '@tax-ledger/calculations';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { type TaxDocument, TRANSACTION_TYPES } from '@tax-ledger/tax-engine';
import { type AvataxVersionInfo, type TransactionKey, type TransactionView, v2DocumentType } from '@tax-ledger/transactions';
import type { FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { type Caller } from '../../auth/caller';
import { AllowRoles, RECORD_TRANSACTIONS } from '../../auth/roles';
import { GetCalculationQuery } from '../../calculations/get-calculation/get-calculation.query';
import { ApiError } from '../../common/api-error';
import { eventMetadata } from '../../common/event-metadata';
import { ChangeTransactionStateCommand } from '../../transactions/change-transaction-state/change-transaction-state.command';
import { GetTransactionQuery } from '../../transactions/get-transaction/get-transaction.query';
import { decodeAvataxCode, DOCUMENT_TYPES, type DocumentType, enumValue, isOrderType, valueRequired } from '../avatax-codes';
import { ChangeV2TransactionCommand, RecordV2OrderCommand, RecordV2TransactionCommand } from '../avatax-v2.commands';
import { tngTransactionType, toV2Create } from '../create-transaction.model';
import { V2AddressDto } from '../create-transaction.schema';
import { type Include, INCLUDE_ALL, parseInclude, presentStoredV2, presentV2Transaction } from '../transaction.presenter';
import { asV2 as asLedger } from '../v2-errors';

/** The path of one v2 transaction (codes in AvaTax's path escapes). */
export const DOC = 'companies/:companyCode/transactions/:transactionCode';

/** A request body that must be a JSON object: else 400 ModelRequiredException naming the model. */
export const objectBody = (body: unknown, model: string): Record<string, unknown> => {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'ModelRequiredException', `The request body must be a ${model} object.`, 'model');
  }
  return body as Record<string, unknown>;
};

export const documentTypeOf = (view: TransactionView): DocumentType => v2DocumentType(view) as DocumentType;

/** Class decorator of every AvaTax REST v2 transactions controller, one per use case (docs/avatax-v2.md). */
export const V2TransactionRoutes = () =>
  applyDecorators(ApiTags('AvaTax v2: transactions'), ApiExtraModels(V2AddressDto), ApiSecurity('basic'), UseGuards(AccountAuthGuard), AllowRoles(RECORD_TRANSACTIONS), Controller('api/v2'));

/** What the v2 transaction controllers share: the document a request names, recording a version, presenting it. */
@Injectable()
export class V2Transactions {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async record(
    create: ReturnType<typeof toV2Create>,
    intent: 'create' | 'createOrRevise' | 'revise',
    caller: Caller,
    request: FastifyRequest,
    include: string | undefined,
    adjustment: { adjustmentReason?: string; adjustmentDescription?: string } = {},
    strict?: boolean,
  ) {
    const inc = parseInclude(include, INCLUDE_ALL);
    if (isOrderType(create.documentType)) {
      // Kept as a TNG calculation under its code (a new version each time): listed by GET /calculations and
      // turned into a transaction by POST /calculations/…/transactions.
      const orderKey: CalculationKey = { accountId: caller.accountId, companyCode: create.companyCode, transactionType: create.transactionType, documentCode: create.code };
      const { view } = await asLedger('create', () => this.commands.execute(new RecordV2OrderCommand(orderKey, create.document, eventMetadata(request, caller), strict)));
      return this.presentOrder(view, inc);
    }
    const key: TransactionKey = { accountId: caller.accountId, companyCode: create.companyCode, transactionType: create.transactionType, documentCode: create.code };
    const avatax: AvataxVersionInfo = { documentType: create.documentType, request: create.request, ...adjustment };
    const { view } = await asLedger(intent === 'revise' ? 'adjust' : 'create', () =>
      this.commands.execute(new RecordV2TransactionCommand(key, create.document, intent, create.commit, avatax, eventMetadata(request, caller), undefined, strict)),
    );
    return this.present(view, inc);
  }

  async transition(current: TransactionView, transition: 'Voided' | 'UnVoided', comment: string, op: 'void' | 'unvoid', caller: Caller, request: FastifyRequest, include: string | undefined) {
    const { view } = await asLedger(op, () =>
      this.commands.execute(new ChangeTransactionStateCommand(this.keyOf(current), transition, comment, caller.role, eventMetadata(request, caller), { ifMatch: [current.versionId] })),
    );
    return this.present(view, parseInclude(include, INCLUDE_ALL));
  }

  async flag(current: TransactionView, flag: 'Commit' | 'Uncommit', caller: Caller, request: FastifyRequest, include: string | undefined) {
    const committed = current.committed !== false;
    // Committing a committed document (or uncommitting a Saved one) changes nothing: AvaTax answers with it.
    if (current.state === 'Recorded' && committed === (flag === 'Commit')) return this.present(current, parseInclude(include, INCLUDE_ALL));
    const { view } = await this.change(current, { type: 'FlagTransaction', data: { key: this.keyOf(current), flag } }, flag === 'Commit' ? 'commit' : 'uncommit', caller, request);
    return this.present(view, parseInclude(include, INCLUDE_ALL));
  }

  change(current: TransactionView, change: ChangeV2TransactionCommand['change'], op: Parameters<typeof asLedger>[0], caller: Caller, request: FastifyRequest): Promise<{ view: TransactionView }> {
    return asLedger(op, () => this.commands.execute(new ChangeV2TransactionCommand(this.keyOf(current), change, eventMetadata(request, caller))));
  }

  /** AvaTax uses the default company when companyCode is absent: here, the account's company when it has exactly one. */
  async onlyCompany(accountId: string): Promise<string | undefined> {
    const companies = await this.readStore.listCompanySetups(accountId);
    return companies.length === 1 ? companies[0].companyCode : undefined;
  }

  /** The transaction a lines/add or lines/delete body names (companyCode, transactionCode, documentType). */
  lineTarget(caller: Caller, m: Record<string, unknown>): Promise<TransactionView> {
    if (typeof m.companyCode !== 'string' || m.companyCode === '') throw valueRequired('companyCode');
    if (typeof m.transactionCode !== 'string' || m.transactionCode === '') throw valueRequired('transactionCode');
    const documentType = m.documentType === undefined || m.documentType === null ? undefined : enumValue(DOCUMENT_TYPES, m.documentType, 'documentType');
    return this.findByCodes(caller, m.companyCode, m.transactionCode, documentType);
  }

  /** The next version of a stored document from an edited document (lines/add, lines/delete), committed as before. */
  async newVersion(current: TransactionView, document: TaxDocument, request: Record<string, unknown>, description: string, caller: Caller, http: FastifyRequest, include: string | undefined) {
    const documentType = documentTypeOf(current);
    const avatax: AvataxVersionInfo = { documentType, request, adjustmentReason: 'Other', adjustmentDescription: description };
    const { view } = await asLedger('adjust', () =>
      this.commands.execute(new RecordV2TransactionCommand(this.keyOf(current), document, 'revise', current.committed !== false, avatax, eventMetadata(http, caller), undefined, undefined, { ifMatch: [current.versionId] })),
    );
    return this.present(view, parseInclude(include, INCLUDE_ALL));
  }

  /** A kept `*Order` (a calculation) as a v2 model: status Temporary, its document type from the document. */
  async presentOrder(view: CalculationView, include: Include) {
    return presentV2Transaction(
      view.document,
      {
        documentType: (view.documentType ?? 'SalesOrder') as DocumentType,
        code: view.documentCode,
        status: { status: 'Temporary', reconciled: false, locked: false },
        version: view.version,
        modifiedDate: view.modifiedAt,
        taxDate: view.taxDate,
        id: view.numericId,
        companyId: await this.companyIdOf(view.accountId, view.companyCode),
      },
      include,
    );
  }

  /** A kept `*Order` of the given type by its code, or 404. */
  async findOrder(caller: Caller, p: Record<string, string>, documentType: DocumentType): Promise<CalculationView> {
    const companyCode = decodeAvataxCode(p.companyCode);
    const code = decodeAvataxCode(p.transactionCode);
    const view: CalculationView | null = await this.queries.execute(
      new GetCalculationQuery({ accountId: caller.accountId, companyCode, transactionType: tngTransactionType(documentType), documentCode: code }),
    );
    if (view && view.documentType === documentType) return view;
    throw new ApiError(404, 'EntityNotFoundError', `No transaction with code "${code}" and type ${documentType} in company "${companyCode}".`, 'transactionCode');
  }

  /** The v2 model of a stored document, with its company's numeric id. */
  async present(view: TransactionView, include: Include) {
    return presentStoredV2(view, include, await this.companyIdOf(view.accountId, view.companyCode));
  }

  async companyIdOf(accountId: string, companyCode: string): Promise<number> {
    return (await this.readStore.getCompanySetup(accountId, companyCode))?.companyId ?? 0;
  }

  keyOf(view: TransactionView): TransactionKey {
    return { accountId: view.accountId, companyCode: view.companyCode, transactionType: view.transactionType, documentCode: view.documentCode };
  }

  /** The document a v2 path names: codes unescaped, documentType narrowing Sale/Purchase/Transfer. */
  find(caller: Caller, p: Record<string, string>, documentType: string | undefined): Promise<TransactionView> {
    return this.findByCodes(caller, decodeAvataxCode(p.companyCode), decodeAvataxCode(p.transactionCode), documentType);
  }

  /** The document of these codes (as they are: a body's codes carry no path escapes). */
  async findByCodes(caller: Caller, companyCode: string, code: string, documentType: string | undefined): Promise<TransactionView> {
    const wanted = documentType === undefined || documentType === '' ? undefined : enumValue(DOCUMENT_TYPES, documentType, 'documentType');
    const types = wanted ? [tngTransactionType(wanted)] : TRANSACTION_TYPES;
    for (const transactionType of types) {
      const view: TransactionView | null = await this.queries.execute(new GetTransactionQuery({ accountId: caller.accountId, companyCode, transactionType, documentCode: code }));
      if (view && (!wanted || documentTypeOf(view) === wanted)) return view;
    }
    throw new ApiError(404, 'EntityNotFoundError', `No transaction with code "${code}"${wanted ? ` and type ${wanted}` : ''} in company "${companyCode}".`, 'transactionCode');
  }
}
