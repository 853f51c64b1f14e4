import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { BatchView } from '@tax-ledger/batches';
import { LedgerError } from '@tax-ledger/ledger';
import type { CompanySetupView } from '@tax-ledger/companies';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { AllowRoles, READ_ACCOUNT } from '../../auth/roles';
import { ApiError } from '../../common/api-error';
import { v2Error } from '../avatax-codes';

/** Class decorator of every AvaTax REST v2 batches controller (docs/avatax-v2.md "Batches"). */
export const V2BatchRoutes = () => applyDecorators(ApiTags('AvaTax v2: batches'), ApiSecurity('basic'), UseGuards(AccountAuthGuard), AllowRoles(READ_ACCOUNT), Controller('api/v2'));

/** A batch id of a path: a positive integer, else 404 (no batch has it). */
export function batchIdOf(raw: string): number {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw batchNotFound(raw);
  return id;
}

export const batchNotFound = (id: string | number) => new ApiError(404, 'EntityNotFoundError', `No batch with id ${id} in this company.`, 'id');

/** The batch of the path's company, or 404 (another company's, another account's, deleted, unknown). */
export function batchOfCompany(view: BatchView | null, company: CompanySetupView, id: number): BatchView {
  if (!view || view.companyCode !== company.companyCode || view.status === 'Deleted') throw batchNotFound(id);
  return view;
}

/** The batch decider's refusals in AvaTax's words. */
export async function asV2Batch<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    if (error.category === 'not_found') throw new ApiError(404, 'EntityNotFoundError', error.message, error.target);
    throw v2Error(400, error.code, error.message, error.target);
  }
}
