import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { CalculationKey } from '@tax-ledger/calculations';
import type { TransactionType } from '@tax-ledger/tax-engine';
import type { Caller } from '../auth/caller';
import { TngAuthGuard } from '../auth/tng-auth.guard';
import { parseTransactionType } from '../common/route-params';

/**
 * What every TNG calculations controller (one per use case) shares. Tax calculation records (seed "Group
 * Tax Calculation Records") are calculated and kept as versions, never filed; a calculation can be
 * turned into a tax transaction record.
 */
export const CalculationRoutes = () =>
  applyDecorators(
    ApiTags('TNG calculations'),
    ApiSecurity('AvalaraAuth'),
    ApiHeader({ name: 'Accept', required: true, example: 'application/json; tax-version=1' }),
    ApiHeader({ name: 'X-Avalara-AccountId', required: true }),
    UseGuards(TngAuthGuard),
    Controller('calculations'),
  );

export function calculationKey(caller: Caller, companyCode: string, transactionType: TransactionType, documentCode: string): CalculationKey {
  return { accountId: caller.accountId, companyCode, transactionType, documentCode };
}

/** The calculation named by `DOCUMENT_PATH`, in the caller's account. */
export function calculationKeyFromPath(caller: Caller, params: Record<string, string>): CalculationKey {
  return calculationKey(caller, params.companyCode, parseTransactionType(params.transactionType), params.documentCode);
}
