/** Server-Sent Events from a response body, parsed by eventsource-parser. */
import { createParser } from 'eventsource-parser';

export interface SseEvent {
  /** The `event:` field; `message` when the server names none. */
  event: string;
  data: string;
}

/**
 * The events of a `text/event-stream` body as they complete. The bytes are decoded as one UTF-8 stream, so a
 * character split across network chunks comes out whole; an event the stream ends in the middle of is dropped.
 */
export async function* sseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  const ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (e) => ready.push({ event: e.event ?? 'message', data: e.data }) });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0);
  }
  parser.feed(decoder.decode());
  yield* ready.splice(0);
}
