import { PREFER_WAIT_MAX_SECONDS, preferredWait } from './prefer-wait';

describe('preferredWait (Prefer: wait=<seconds>)', () => {
  it.each([
    ['wait=5', 5],
    ['WAIT = 5', 5],
    ['wait="12"', 12],
    ['respond-async, wait=30', 30],
    ['handling=lenient,wait=2', 2],
    ['wait=0', 0],
    [`wait=${PREFER_WAIT_MAX_SECONDS + 1}`, PREFER_WAIT_MAX_SECONDS],
    ['wait=999999', PREFER_WAIT_MAX_SECONDS],
    [['return=minimal', 'wait=7'], 7],
  ] as const)('%j waits %d s', (header, seconds) => expect(preferredWait(header as string | string[])).toBe(seconds));

  it.each([[undefined], [''], ['respond-async'], ['wait'], ['wait='], ['wait=-1'], ['wait=1.5'], ['wait=soon'], ['wait=10;x=1'], ['waiting=3']])(
    '%j: no wait preference (ignored, not refused)',
    (header) => expect(preferredWait(header)).toBeUndefined(),
  );
});
