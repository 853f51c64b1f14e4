import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { TransactionKey } from '@tax-ledger/transactions';
import type { TransactionType } from '@tax-ledger/tax-engine';
import type { Caller } from '../auth/caller';
import { TngAuthGuard } from '../auth/tng-auth.guard';
import { parseTransactionType } from '../common/route-params';

/**
 * What every TNG transactions controller (one per use case) shares: the class decorator with the routes'
 * prefix, guard and OpenAPI headers, and the document key a path names.
 */
export const TransactionRoutes = () =>
  applyDecorators(
    ApiTags('TNG transactions'),
    ApiSecurity('AvalaraAuth'),
    ApiHeader({ name: 'Accept', required: true, example: 'application/json; tax-version=1' }),
    ApiHeader({ name: 'X-Avalara-AccountId', required: true }),
    UseGuards(TngAuthGuard),
    Controller('transactions'),
  );

export function transactionKey(caller: Caller, companyCode: string, transactionType: TransactionType, documentCode: string): TransactionKey {
  return { accountId: caller.accountId, companyCode, transactionType, documentCode };
}

/** The document named by `DOCUMENT_PATH`, in the caller's account. */
export function transactionKeyFromPath(caller: Caller, params: Record<string, string>): TransactionKey {
  return transactionKey(caller, params.companyCode, parseTransactionType(params.transactionType), params.documentCode);
}

