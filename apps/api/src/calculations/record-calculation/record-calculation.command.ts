import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CalculationKey, CalculationView } from '@tax-ledger/calculations';
import type { EventMetadata } from '@tax-ledger/platform';
import type { TaxDocument } from '@tax-ledger/tax-engine';
import { badRequest } from '../../common/api-error';
import { RecordDocumentVersion } from '../../document-write/record-document-version';
import type { CommandOptions } from '../../document-write/tax-transaction.repository';

/** POST /calculations: calculate, then record version 1 or the next version of the calculation. */
export class RecordCalculationCommand {
  constructor(
    readonly key: CalculationKey,
    /** The request, documentCode already set (given or generated). */
    readonly document: TaxDocument,
    readonly metadata: EventMetadata,
    readonly options: CommandOptions = {},
    /** The request's `?strict` (see company-setup/coverage-policy.ts). */
    readonly strict?: boolean,
  ) {}
}

@CommandHandler(RecordCalculationCommand)
export class RecordCalculationHandler implements ICommandHandler<RecordCalculationCommand, { view: CalculationView; created: boolean }> {
  constructor(private readonly versions: RecordDocumentVersion) {}

  async execute({ key, document, metadata, options, strict }: RecordCalculationCommand) {
    const company = await this.versions.companyOf(key.accountId, key.companyCode, () =>
      badRequest('CompanyNotFound', `Company "${key.companyCode}" does not exist in this account.`, 'header.companyCode'),
    );
    return this.versions.recordCalculation(key, this.versions.calculate(document, company, { strict }), metadata, options);
  }
}
