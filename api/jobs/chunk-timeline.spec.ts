import { chunkTimeline, type ActivityEvent } from './chunk-timeline';

const T = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const chunk = (index: number) => ({ index, startFrame: index * 100, endFrame: index * 100 + 100 });

describe('chunkTimeline', () => {
  it('ignores activities that are not chunks (probe, merge, gaussian-fit)', () => {
    const events: ActivityEvent[] = [
      { kind: 'scheduled', eventId: 5, activityId: '1', time: T(0), input: { inputKey: 'a.mp4' } },
      { kind: 'completed', scheduledEventId: 5, time: T(1), result: {} },
    ];
    expect(chunkTimeline(events, [])).toEqual([]);
  });

  it('shows a chunk done at once, one resumed after a lost attempt, one still running; in index order', () => {
    const events: ActivityEvent[] = [
      { kind: 'scheduled', eventId: 10, activityId: '2', time: T(1), input: { chunk: chunk(1) } },
      { kind: 'scheduled', eventId: 11, activityId: '3', time: T(1), input: { chunk: chunk(0) } },
      { kind: 'scheduled', eventId: 12, activityId: '4', time: T(1), input: { chunk: chunk(2) } },
      { kind: 'started', scheduledEventId: 11, attempt: 1 },
      { kind: 'completed', scheduledEventId: 11, time: T(5), result: { index: 0, frames: 100, framesReprocessed: 0, attempt: 1, resumedFrom: 0 } },
      { kind: 'started', scheduledEventId: 10, attempt: 1 },
      { kind: 'timedOut', scheduledEventId: 10, time: T(40), message: 'activity Heartbeat timeout' },
      // the workflow schedules the lost chunk again, telling it about the earlier attempt
      { kind: 'scheduled', eventId: 20, activityId: '5', time: T(40), input: { chunk: chunk(1), earlier: { attempts: 1 } } },
      { kind: 'started', scheduledEventId: 20, attempt: 1 },
      { kind: 'completed', scheduledEventId: 20, time: T(50), result: { index: 1, frames: 100, framesReprocessed: 14, attempt: 2, resumedFrom: 164 } },
    ];
    const views = chunkTimeline(events, [{ activityId: '4', attempt: 3, started: true, heartbeat: { framesDone: 42, attempt: 3 }, lastFailure: 'S3 down' }]);
    expect(views.map((v) => [v.index, v.state, v.attempts])).toEqual([
      [0, 'done', 1],
      [1, 'done', 2],
      [2, 'running', 3],
    ]);
    expect(views[1]).toMatchObject({ resumedFrom: 164, framesReprocessed: 14, framesDone: 100 });
    expect(views[1]!.schedules).toEqual([
      { scheduledAt: T(1), endedAt: T(40), state: 'lost', attempt: 1, message: 'activity Heartbeat timeout' },
      { scheduledAt: T(40), endedAt: T(50), state: 'done', attempt: 2 },
    ]);
    expect(views[2]).toMatchObject({ framesDone: 42, resumedFrom: null, schedules: [{ state: 'running', attempt: 3, message: 'S3 down', endedAt: null }] });
  });

  it('a chunk scheduled but not yet taken by a worker is waiting; a failed one says why', () => {
    const events: ActivityEvent[] = [
      { kind: 'scheduled', eventId: 7, activityId: '1', time: T(0), input: { chunk: chunk(0) } },
      { kind: 'scheduled', eventId: 8, activityId: '2', time: T(0), input: { chunk: chunk(1) } },
      { kind: 'started', scheduledEventId: 8, attempt: 1 },
      { kind: 'failed', scheduledEventId: 8, time: T(3), message: 'the video is corrupt at frame 120' },
    ];
    const views = chunkTimeline(events, [{ activityId: '1', attempt: 1, started: false }]);
    expect(views.map((v) => v.state)).toEqual(['waiting', 'failed']);
    expect(views[1]!.schedules[0]!.message).toBe('the video is corrupt at frame 120');
  });
});
