import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEntries } from './lead-event-publisher';

/** PutEvents on one bus, reporting each entry's outcome in order. */
export function eventBusPut(client: Pick<EventBridgeClient, 'send'>, eventBusName: string): PutEntries {
  return async (entries) => {
    const { Entries } = await client.send(
      new PutEventsCommand({ Entries: entries.map((entry) => ({ ...entry, EventBusName: eventBusName })) }),
    );
    // A result entry without an EventId carries an ErrorCode: that entry was not put.
    return entries.map((_, index) => ({ failed: !Entries?.[index]?.EventId }));
  };
}

export function createEventBridgeClient(region?: string): EventBridgeClient {
  return new EventBridgeClient({ region });
}
