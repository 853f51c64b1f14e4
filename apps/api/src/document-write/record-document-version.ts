import { Inject, Injectable } from '@nestjs/common';
import type { CalculationKey, CalculationView } from '@tax-ledger/calculations';
import type { EventMetadata } from '@tax-ledger/platform';
import type { CalculationResult, TaxContent, TaxDocument } from '@tax-ledger/tax-engine';
import type { AvataxVersionInfo, TaxTransaction, TransactionKey, TransactionView } from '@tax-ledger/transactions';
import { randomUUID } from 'node:crypto';
import { COMPANY_SETUP, type CompanySetupSource, type LedgerCompanySetup } from '../company-setup/company-setup';
import { TAX_CONTENT } from '../storage/tokens';
import { calculateDocument, type CalculateOptions } from './calculate-document';
import { PeriodLock } from './period-lock';
import { TaxCalculationRepository } from './tax-calculation.repository';
import { type CommandOptions, TaxTransactionRepository } from './tax-transaction.repository';

/** A new version id: 32 hex characters, as in the seed's example. */
export const newVersionId = () => randomUUID().replace(/-/g, '');

/** A calculated document, ready to be recorded as a version. */
export interface CalculatedVersion {
  calculation: CalculationResult;
  /** processingInfo.duration, seconds. */
  calculationDuration: number;
}

export interface TransactionVersionOptions {
  intent: 'create' | 'createOrRevise' | 'revise';
  /** REST v2: false records a Saved (uncommitted) version, which no filing period holds (no period lock). */
  committed?: boolean;
  /** REST v2 document type and linkage of the version. */
  avatax?: AvataxVersionInfo;
  /** If-Match, or the period run a state change belongs to. */
  options?: CommandOptions;
  /** A refusal of the route's own, on the document as it stands (throws to refuse; nothing is written). */
  refuse?: (current: TaxTransaction) => void;
}

/**
 * Recording a document version, written once for every route that does it (TNG POST/PUT /transactions and
 * the long forms, POST /calculations, a calculation turned into a transaction, REST v2 create / adjust /
 * refund): the company's setup -> the engine and the coverage policy -> the period lock (transactions) ->
 * decide and append, answered from the document's own stream once the read models have caught up.
 */
@Injectable()
export class RecordDocumentVersion {
  constructor(
    @Inject(COMPANY_SETUP) private readonly companies: CompanySetupSource,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
    private readonly periodLock: PeriodLock,
    private readonly transactions: TaxTransactionRepository,
    private readonly calculations: TaxCalculationRepository,
  ) {}

  /** The company's setup as the engine sees it; `missing()` is the route's answer when it is not in the account. */
  async companyOf(accountId: string, companyCode: string, missing: () => Error): Promise<LedgerCompanySetup> {
    const company = await this.companies.companySetup(accountId, companyCode);
    if (!company) throw missing();
    return company;
  }

  /** The engine, then the coverage policy (refuses before anything is written). */
  calculate(document: TaxDocument, company: LedgerCompanySetup, options: CalculateOptions = {}): CalculatedVersion {
    return calculateDocument(document, company, this.content, options);
  }

  /** A new version of a tax transaction record (or its first), behind the period lock when it is committed. */
  async recordTransaction(
    key: TransactionKey,
    version: CalculatedVersion,
    metadata: EventMetadata,
    { intent, committed, avatax, options, refuse }: TransactionVersionOptions,
  ): Promise<{ view: TransactionView; created: boolean }> {
    if (committed !== false) await this.periodLock.assertOpen(key, version.calculation.document);
    return this.transactions.handle(
      key,
      metadata,
      (current) => {
        refuse?.(current);
        return {
          type: 'RecordTransaction',
          data: {
            key,
            intent,
            calculation: version.calculation,
            versionId: newVersionId(),
            calculationDuration: version.calculationDuration,
            ...(committed !== undefined ? { committed } : {}),
            ...(avatax !== undefined ? { avatax } : {}),
          },
        };
      },
      options,
    );
  }

  /** Version 1 or the next version of a tax calculation record (never filed: no period lock). */
  recordCalculation(key: CalculationKey, version: CalculatedVersion, metadata: EventMetadata, options: CommandOptions = {}): Promise<{ view: CalculationView; created: boolean }> {
    return this.calculations.record(
      key,
      metadata,
      { type: 'RecordCalculation', data: { key, calculation: version.calculation, versionId: newVersionId(), calculationDuration: version.calculationDuration } },
      options,
    );
  }
}
