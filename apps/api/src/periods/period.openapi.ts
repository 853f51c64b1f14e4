import { answerSchema, arrayOf, bool, dateTime, int, object, str } from '../common/api-answers';

/** A filing period as `presentPeriod` answers it, and the answer of a period run. */

const PERIOD_PROPERTIES = {
  companyCode: str(),
  period: str('YYYY-MM'),
  region: str('Present when the period is one region\'s'),
  status: str(undefined, { example: 'Reconciled' }),
  runId: str('The last run'),
  filedOnce: bool(),
  reconciledAt: dateTime(),
  filedAt: dateTime(),
  firstFiledAt: dateTime(),
  history: arrayOf(
    object({ event: str(), runId: str(), at: dateTime(), actor: str(), documentsTransitioned: int(), comment: str() }, ['event', 'runId', 'at', 'actor']),
  ),
};
const PERIOD_REQUIRED = ['companyCode', 'period', 'status', 'filedOnce', 'history'];

export const FILING_PERIOD = answerSchema('FilingPeriod', object(PERIOD_PROPERTIES, PERIOD_REQUIRED));
export const FILING_PERIODS = arrayOf(FILING_PERIOD);

export const PERIOD_RUN = answerSchema(
  'FilingPeriodRun',
  object(
    {
      ...PERIOD_PROPERTIES,
      run: object({
        runId: str(),
        resumed: bool('This call resumed an interrupted run'),
        documentsTransitioned: int(),
        documentsSkipped: int('Documents that changed state under the run and were left alone'),
      }),
    },
    [...PERIOD_REQUIRED, 'run'],
  ),
);
