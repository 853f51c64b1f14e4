import { HIDE_ID, MONGO_READ_MAX_TIME_MS, projectStreamViews, type RecordedEvent } from '@tax-ledger/platform';
import type { ClientSession, Collection, Db } from 'mongodb';
import { isMultiDocumentEvent, type MultiDocumentListFilter, type MultiDocumentView, projectMultiDocument } from '../multi-documents.projection';

/** `multi_documents` document: the view keyed by its stream name. */
type MultiDocumentDoc = MultiDocumentView & { _id: string };

/**
 * Read model `multi_documents` on MongoDB (distributed profile), written by the projector one batch at a
 * time (one read, the events folded in memory guarded by stream revision, one bulk replace). Every
 * filter carries accountId (the shard key).
 */
export class MongoMultiDocumentsCollection {
  readonly collection: Collection<MultiDocumentDoc>;

  constructor(db: Db) {
    this.collection = db.collection<MultiDocumentDoc>('multi_documents', { ignoreUndefined: true });
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([
      { key: { accountId: 1, type: 1, code: 1 }, name: 'account_type_code', unique: true },
      { key: { accountId: 1, id: 1 }, name: 'account_id', unique: true },
    ]);
  }

  applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    return projectStreamViews(this.collection, events.filter(isMultiDocumentEvent), projectMultiDocument, session);
  }

  get(accountId: string, code: string, type: string): Promise<MultiDocumentView | null> {
    return this.collection.findOne<MultiDocumentView>({ accountId, type, code }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  byId(accountId: string, id: number): Promise<MultiDocumentView | null> {
    return this.collection.findOne<MultiDocumentView>({ accountId, id }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  count(accountId: string): Promise<number> {
    return this.collection.countDocuments({ accountId });
  }

  async list(accountId: string, filter: MultiDocumentListFilter): Promise<MultiDocumentView[]> {
    if (!(filter.limit > 0)) return [];
    return this.collection
      .find<MultiDocumentView>({ accountId }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS })
      .sort({ id: 1 })
      .skip(Math.max(0, Math.floor(filter.skip ?? 0)))
      .limit(Math.floor(filter.limit))
      .toArray();
  }
}

