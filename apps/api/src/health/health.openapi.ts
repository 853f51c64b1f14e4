import { answerSchema, arrayOf, int, object, oneOfStrings, str } from '../common/api-answers';

/** The operations answers: health and the projections' positions. */

export const HEALTH = answerSchema(
  'Health',
  object({ status: oneOfStrings(['ok', 'degraded']), parkedEvents: int('degraded: how many events the projector parked') }, ['status']),
);

export const PROJECTIONS_STATUS = answerSchema(
  'ProjectionsStatus',
  object({
    status: oneOfStrings(['ok', 'degraded']),
    store: str('embedded or eventstoredb'),
    checkpoints: { type: 'object', additionalProperties: true, description: 'Each projection\'s position' },
    parkedEvents: arrayOf({ type: 'object', additionalProperties: true }),
  }),
);
