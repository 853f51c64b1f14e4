import { OmitType } from '@nestjs/swagger';
import { ListTransactionsQueryDto } from '../../tng-document/list-documents.query.dto';

/** The transaction list's filters without `include` (calculations have no state) and `warnings` (transactions only). */
export class ListCalculationsQueryDto extends OmitType(ListTransactionsQueryDto, ['include', 'warnings'] as const) {}
