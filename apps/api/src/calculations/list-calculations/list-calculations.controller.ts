import { Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import type { CalculationView } from '@tax-ledger/calculations';
import type { TransactionType } from '@tax-ledger/tax-engine';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { ValidBody } from '../../common/body-validation.pipe';
import { parseTransactionType } from '../../common/route-params';
import { assertDateRange, DEFAULT_LIST_LIMIT } from '../../tng-document/list-documents.query.dto';
import { presentCalculation } from '../calculation.presenter';
import { CalculationRoutes } from '../calculation-routes';
import { ListCalculationsQuery } from './list-calculations.query';
import { ListCalculationsQueryDto } from './list-calculations.query.dto';

/** List a company's tax calculation records (by type and date range). */
@CalculationRoutes()
export class ListCalculationsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':companyCode')
  @ApiOperation({ summary: 'List tax calculation records of a company' })
  listByCompany(@Param('companyCode') companyCode: string, @Query(ValidBody) query: ListCalculationsQueryDto, @CurrentCaller() caller: Caller) {
    return this.list(caller, companyCode, undefined, query);
  }

  @Get(':companyCode/:transactionType')
  @ApiOperation({ summary: 'List tax calculation records of a company and transaction type' })
  listByType(
    @Param('companyCode') companyCode: string,
    @Param('transactionType') transactionType: string,
    @Query(ValidBody) query: ListCalculationsQueryDto,
    @CurrentCaller() caller: Caller,
  ) {
    return this.list(caller, companyCode, parseTransactionType(transactionType), query);
  }

  private async list(caller: Caller, companyCode: string, transactionType: TransactionType | undefined, query: ListCalculationsQueryDto) {
    assertDateRange(query);
    const views: CalculationView[] = await this.queries.execute(
      new ListCalculationsQuery(caller.accountId, {
        companyCode,
        transactionType,
        limit: query.limit ?? DEFAULT_LIST_LIMIT,
        startCode: query.startCode,
        startDate: query.startDate,
        endDate: query.endDate,
      }),
    );
    return views.map(presentCalculation);
  }
}
