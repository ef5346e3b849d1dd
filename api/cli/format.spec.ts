import { bar, duration, exitCodeForJob, exitCodeForStatus, isLoopbackUrl, jobRow, progressLine, resultFileName, table } from './format';

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

  it('makes a status row with percent, rate and eta for running jobs only', () => {
    const progress = { stage: 'processing', done: 250, total: 1000, unit: 'frames', rate: 12.5, etaSeconds: 60 };
    expect(jobRow({ id: 'j1', status: 'running', progress, createdAt: '2026-11-24T02:00:00.000Z' })).toEqual([
      'j1',
      'running',
      'processing',
      '250/1000',
      '25%',
      '12.5/s',
      '1m00s',
      '2026-11-24T02:00:00.000Z',
    ]);
    expect(jobRow({ id: 'j2', status: 'completed', progress: { ...progress, stage: 'done', done: 1000 } })).toEqual([
      'j2',
      'completed',
      'done',
      '1000/1000',
      '100%',
      '',
      '',
      '',
    ]);
    expect(jobRow({ id: 'j3', status: 'running', progress: null })).toEqual(['j3', 'running', '', '', '', '', '', '']);
  });

  it('names downloaded files safely whatever the job id holds', () => {
    expect(resultFileName('job-1', 'detections', 'application/x-ndjson')).toBe('job-1-detections.jsonl');
    expect(resultFileName('job-1', 'summary', 'application/json')).toBe('job-1-summary.json');
    expect(resultFileName('job-1', 'preview', 'video/mp4')).toBe('job-1-preview.mp4');
    expect(resultFileName('job-1', 'contact-sheet', 'image/png')).toBe('job-1-contact-sheet.png');
    expect(resultFileName('job-1', 'blob', 'application/octet-stream')).toBe('job-1-blob.bin');
    expect(resultFileName('../../etc/x', 'summary', 'application/json')).toBe('__.._etc_x-summary.json');
  });

  it('knows loopback API URLs (where the dev token may go)', () => {
    for (const url of ['http://127.0.0.1:3000', 'http://localhost:3000/', 'http://[::1]:3000', 'http://127.1.2.3']) expect(isLoopbackUrl(url)).toBe(true);
    for (const url of ['https://anvil.example.com', 'http://127.0.0.1.example.com', 'http://10.0.0.1:3000', 'not a url'])
      expect(isLoopbackUrl(url)).toBe(false);
  });
});
