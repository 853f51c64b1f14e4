import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CalculationKey, calculationNotFound, calculationStreamName, type CalculationView } from '@tax-ledger/calculations';
import { LedgerError } from '@tax-ledger/ledger';
import type { EventMetadata } from '@tax-ledger/platform';
import type { TransactionKey, TransactionView } from '@tax-ledger/transactions';
import { badRequest } from '../../common/api-error';
import { refuseUncovered, strictApplies } from '../../company-setup/coverage-policy';
import { requestOf } from '../../document-write/calculate-document';
import { type CalculatedVersion, RecordDocumentVersion } from '../../document-write/record-document-version';
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
    private readonly versions: RecordDocumentVersion,
  ) {}

  async execute({ calculationKey, documentCode, recalculate, comment, metadata }: CreateTransactionFromCalculationCommand) {
    const source = await this.calculations.latest(calculationKey);
    if (!source) throw calculationNotFound(calculationKey.documentCode);
    const key: TransactionKey = { ...calculationKey, documentCode };
    const company = await this.versions.companyOf(key.accountId, key.companyCode, () =>
      badRequest('CompanyNotFound', `Company "${key.companyCode}" does not exist in this account.`, 'companyCode'),
    );
    // Recalculated: the coverage policy applies in calculate; as calculated: to the stored messages.
    const version = recalculate ? this.versions.calculate(requestOf(source.document, key.documentCode), company) : asCalculated(source, documentCode);
    if (!recalculate) refuseUncovered(version.calculation.document, strictApplies(undefined, company));
    const provenance: Record<string, string> = {
      sourceCalculation: calculationStreamName(calculationKey),
      sourceCalculationVersionId: source.versionId,
      recalculated: String(recalculate),
      ...(comment !== undefined ? { comment } : {}),
    };
    return this.versions.recordTransaction(key, version, { ...metadata, ...provenance }, {
      intent: 'createOrRevise',
      refuse: (current) => {
        if (current.exists) {
          throw new LedgerError('TransactionExists', `A tax transaction record with documentCode "${documentCode}" already exists.`, 'conflict', 'documentCode');
        }
      },
    });
  }
}

/** The stored calculation as it is: same tax, content version and tax date; only the documentCode is new. */
function asCalculated(source: CalculationView, documentCode: string): CalculatedVersion {
  const document = { ...source.document, header: { ...source.document.header, documentCode } };
  return { calculation: { document, contentVersion: source.contentVersion, taxDate: source.taxDate }, calculationDuration: source.calculationDuration };
}
