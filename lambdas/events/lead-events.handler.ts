import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { createLogger, describeError, LOG_LEVELS } from '../shared/logger';
import { createEventBridgeClient, eventBusPut } from './event-bus';
import { publishStreamRecords } from './lead-event-publisher';

/** Read once at cold start: a missing bus name stops the function before it takes a batch. */
const env = z
  .object({
    EVENT_BUS_NAME: z.string().check(z.minLength(1)),
    LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'info'),
  })
  .parse(process.env);

const logger = createLogger(env.LOG_LEVEL);
const put = eventBusPut(createEventBridgeClient(), env.EVENT_BUS_NAME);

/**
 * The table's stream -> `Lead Accepted` events on the stack's bus. Records whose event could not
 * be put are returned as batch item failures: Lambda retries from the first of them (at least
 * once: later records of the batch may be sent again), within the event source's retry limits,
 * then hands the batch's pointers to the on-failure queue. Logs counts and sequence numbers only.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  try {
    const result = await publishStreamRecords(event.Records, put);
    if (result.failedSequenceNumbers.length > 0) {
      logger.warn('lead events not put', { records: event.Records.length, published: result.published, failed: result.failedSequenceNumbers.length });
    } else {
      logger.debug('lead events put', { records: event.Records.length, published: result.published });
    }
    return { batchItemFailures: result.failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })) };
  } catch (error) {
    logger.error('lead events failed', describeError(error));
    throw error;
  }
}
