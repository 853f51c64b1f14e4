import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_PAGE_ITEMS } from './paging';

/** `…/versions?startVersion=&limit=` */
export class VersionsPageQueryDto {
  @ApiPropertyOptional({ example: 1, description: 'First version of the page (default 1)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000_000)
  startVersion?: number;

  @ApiPropertyOptional({ example: MAX_PAGE_ITEMS, description: `Versions per page, 1..${MAX_PAGE_ITEMS} (default ${MAX_PAGE_ITEMS}); a page also stops before it would pass 10,000 document lines` })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_ITEMS)
  limit?: number;
}

/** `…/history?startRevision=&limit=` */
export class HistoryPageQueryDto {
  @ApiPropertyOptional({ example: 0, description: 'First event (stream revision, from 0) of the page (default 0)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000_000)
  startRevision?: number;

  @ApiPropertyOptional({ example: MAX_PAGE_ITEMS, description: `Events per page, 1..${MAX_PAGE_ITEMS} (default ${MAX_PAGE_ITEMS}); a page also stops before it would pass 10,000 document lines` })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_ITEMS)
  limit?: number;
}
