import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HistoryPageQueryDto } from '../common/page-query.dto';
import { MAX_PAGE_ITEMS, nextPageUrl, sendJson } from '../common/paging';
import type { DocumentHistoryOptions } from './document-history';
import type { DocumentHistoryService } from './document-history.service';

/**
 * `GET …/history` of a TNG document (transaction or calculation): one page of its events as
 * `{companyCode, transactionType, documentCode, events, nextLink}`, with `Link: rel="next"`; `notFound`
 * when the document does not exist.
 */
export async function historyPageAnswer(
  history: DocumentHistoryService,
  streamName: string,
  key: { companyCode: string; transactionType: string; documentCode: string },
  query: HistoryPageQueryDto,
  page: { request: FastifyRequest; reply: FastifyReply; publicUrl: string | undefined },
  notFound: () => Error,
  options: DocumentHistoryOptions = {},
): Promise<string> {
  const limit = query.limit ?? MAX_PAGE_ITEMS;
  const events = await history.historyPage(streamName, query.startRevision ?? 0, limit, options);
  if (!events) throw notFound();
  const next = events.next === undefined ? null : nextPageUrl(page.request.url, { startRevision: events.next, limit }, page.publicUrl);
  const head = JSON.stringify({ companyCode: key.companyCode, transactionType: key.transactionType, documentCode: key.documentCode });
  return sendJson(page.reply, `${head.slice(0, -1)},"events":${events.json},"nextLink":${JSON.stringify(next)}}`, next ?? undefined);
}
