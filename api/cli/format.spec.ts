import { bar, duration, exitCodeForJob, exitCodeForStatus, parseParams, progressLine, sseParser, table } from './format';

describe('CLI formatting', () => {
  it.each([
    [401, 4],
    [403, 4],
    [404, 5],
    [409, 6],
    [400, 2],
    [413, 2],
    [422, 2],
    [500, 3],
    [503, 3],
  ])('HTTP %d exits %d', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it('job outcome exit codes', () => {
    expect(exitCodeForJob('completed')).toBe(0);
    for (const s of ['failed', 'cancelled', 'terminated', 'timed_out']) expect(exitCodeForJob(s)).toBe(1);
  });

  it('aligns tables', () => {
    expect(
      table([
        ['ID', 'STATUS'],
        ['a-long-id', 'running'],
        ['b', 'completed'],
      ]),
    ).toBe('ID         STATUS\na-long-id  running\nb          completed');
  });

  it('draws bars and durations', () => {
    expect(bar(5, 10, 10)).toBe('[#####.....]  50%');
    expect(bar(0, 0, 4)).toBe('[....]   0%');
    expect(bar(12, 10, 4)).toBe('[####] 100%');
    expect([duration(42), duration(125), duration(7322), duration(null)]).toEqual(['42s', '2m05s', '2h02m', '-']);
    expect(progressLine({ stage: 'processing', done: 50, total: 100, unit: 'frames', rate: 5, etaSeconds: 10 }, 'running')).toBe(
      'running   processing [###############...............]  50% 50/100 frames  5.0/s  eta 10s',
    );
  });

  it('parses Server-Sent Events across chunk boundaries', () => {
    const feed = sseParser();
    expect(feed('event: progress\nid: 1\ndata: {"a"')).toEqual([]);
    expect(feed(':1}\n\n: comment\n\nevent: completed\r\ndata: x\r\ndata: y\r\n\r\n')).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'completed', data: 'x\ny' },
    ]);
  });

  it('parses --param pairs', () => {
    expect(parseParams(['sampleInterval=5', 'model=pp-ocr-det', 'confidence=0.4'])).toEqual({ sampleInterval: 5, model: 'pp-ocr-det', confidence: 0.4 });
    expect(() => parseParams(['oops'])).toThrow('key=value');
  });
});
