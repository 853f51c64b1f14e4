import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CalculationKey, CalculationView } from '@tax-ledger/calculations';
import type { EventMetadata } from '@tax-ledger/platform';
import type { TaxContent, TaxDocument } from '@tax-ledger/tax-engine';
import { badRequest } from '../../common/api-error';
import { COMPANY_SETUP, type CompanySetupSource } from '../../company-setup/company-setup';
import { TAX_CONTENT } from '../../storage/tokens';
import { newVersionId } from '../../transactions/commands/record-transaction.command';
import type { CommandOptions } from '../../document-write/tax-transaction.repository';
import { calculateDocument } from '../../document-write/calculate-document';
import { TaxCalculationRepository } from '../../document-write/tax-calculation.repository';

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
  constructor(
    private readonly calculations: TaxCalculationRepository,
    @Inject(COMPANY_SETUP) private readonly companies: CompanySetupSource,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
  ) {}

  async execute({ key, document, metadata, options, strict }: RecordCalculationCommand) {
    const company = await this.companies.companySetup(key.accountId, key.companyCode);
    if (!company) throw badRequest('CompanyNotFound', `Company "${key.companyCode}" does not exist in this account.`, 'header.companyCode');
    const { calculation, calculationDuration } = calculateDocument(document, company, this.content, { strict });
    return this.calculations.record(
      key,
      metadata,
      { type: 'RecordCalculation', data: { key, calculation, versionId: newVersionId(), calculationDuration } },
      options,
    );
  }
}
