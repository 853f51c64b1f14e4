import { PeriodLock } from '../../document-write/period-lock';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CalculationKey, calculationNotFound, calculationStreamName, type CalculationView } from '@tax-ledger/calculations';
import { LedgerError } from '@tax-ledger/ledger';
import { type TransactionKey, type TransactionView } from '@tax-ledger/transactions';
import type { EventMetadata } from '@tax-ledger/platform';
import type { CalculationResult, TaxContent } from '@tax-ledger/tax-engine';
import { badRequest } from '../../common/api-error';
import { COMPANY_SETUP, type CompanySetupSource } from '../../company-setup/company-setup';
import { refuseUncovered, strictApplies } from '../../company-setup/coverage-policy';
import { TAX_CONTENT } from '../../storage/tokens';
import { newVersionId } from '../../transactions/commands/record-transaction.command';
import { TaxTransactionRepository } from '../../document-write/tax-transaction.repository';
import { calculateDocument, requestOf } from '../../document-write/calculate-document';
import { TaxCalculationRepository } from '../../document-write/tax-calculation.repository';

/**
 * POST /calculations/{companyCode}/{transactionType}/{documentCode}/transactions: a new tax transaction
 * record (same company and type, the given documentCode) from the latest version of a calculation,
 * recalculated with today's content and company setup (default) or recorded exactly as calculated.
 * The calculation itself is not changed. The transaction event's metadata names its source
 * calculation and version and carries the caller's comment.
 */
export class CreateTransactionFromCalculationCommand {
  constructor(
    readonly calculationKey: CalculationKey,
    readonly documentCode: string,
    readonly recalculate: boolean,
    readonly comment: string | undefined,
    readonly metadata: EventMetadata,
  ) {}
}

@CommandHandler(CreateTransactionFromCalculationCommand)
export class CreateTransactionFromCalculationHandler
  implements ICommandHandler<CreateTransactionFromCalculationCommand, { view: TransactionView; created: boolean }>
{
  constructor(
    private readonly calculations: TaxCalculationRepository,
    private readonly transactions: TaxTransactionRepository,
    @Inject(COMPANY_SETUP) private readonly companies: CompanySetupSource,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
    private readonly periodLock: PeriodLock,
  ) {}

  async execute({ calculationKey, documentCode, recalculate, comment, metadata }: CreateTransactionFromCalculationCommand) {
    const source = await this.calculations.latest(calculationKey);
    if (!source) throw calculationNotFound(calculationKey.documentCode);
    const key: TransactionKey = { ...calculationKey, documentCode };
    const company = await this.companies.companySetup(key.accountId, key.companyCode);
    if (!company) throw badRequest('CompanyNotFound', `Company "${key.companyCode}" does not exist in this account.`, 'companyCode');
    // Recalculated: the coverage policy applies in calculateDocument; as calculated: to the stored messages.
    const { calculation, calculationDuration } = recalculate
      ? calculateDocument(requestOf(source.document, key.documentCode), company, this.content)
      : asCalculated(source, documentCode);
    if (!recalculate) refuseUncovered(calculation.document, strictApplies(undefined, company));
    await this.periodLock.assertOpen(key, calculation.document);
    const provenance: Record<string, string> = {
      sourceCalculation: calculationStreamName(calculationKey),
      sourceCalculationVersionId: source.versionId,
      recalculated: String(recalculate),
      ...(comment !== undefined ? { comment } : {}),
    };
    return this.transactions.handle(key, { ...metadata, ...provenance }, (current) => {
      if (current.exists) {
        throw new LedgerError('TransactionExists', `A tax transaction record with documentCode "${documentCode}" already exists.`, 'conflict', 'documentCode');
      }
      return { type: 'RecordTransaction', data: { key, intent: 'createOrRevise', calculation, versionId: newVersionId(), calculationDuration } };
    });
  }
}

/** The stored calculation as it is: same tax, content version and tax date; only the documentCode is new. */
function asCalculated(source: CalculationView, documentCode: string): { calculation: CalculationResult; calculationDuration: number } {
  const document = { ...source.document, header: { ...source.document.header, documentCode } };
  return { calculation: { document, contentVersion: source.contentVersion, taxDate: source.taxDate }, calculationDuration: source.calculationDuration };
}
