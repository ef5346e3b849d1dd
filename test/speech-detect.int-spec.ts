/**
 * The speech-detect pipeline end to end with Silero VAD v5 (from npm, MIT): speech from a real synthesiser
 * (espeak-ng) between known silences, uploaded through the API, chunked so that one phrase straddles a
 * chunk boundary, and every segment checked against where the audio is loud (ground truth without a model).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpeechSegment } from '../workflows/contracts';
import { loudStretches, makeSpeech, writeFile } from './support/media';
import { runJob, startTestStack, type TestStack } from './support/stack';

let stack: TestStack;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
let truth: { start: number; end: number }[];
/** Where the direct upload stored the WAV. */
let wavKey: string;

interface Job {
  id: string;
  status: string;
  pipeline: string;
  failure: { type: string | null; message: string } | null;
  progress: { done: number; total: number; unit: string; chunksTotal: number };
  result: { segments: number; windows: number; keys: { segments: string } } | null;
}

beforeAll(async () => {
  stack = await startTestStack();
  const wav = join(dir(), 'speech.wav');
  // Three phrases; with chunks of 10 s the third one starts before and ends after the first chunk boundary.
  await makeSpeech(wav, [
    1.0,
    'hello world, this is anvil speaking',
    2.0,
    'jobs survive the loss of a pod',
    1.2,
    'every chunk is checkpointed to object storage',
    1.5,
  ]);
  truth = await loudStretches(wav);
  const upload = await stack.api().put('/v1/uploads/speech.wav').set('content-type', 'audio/wav').send(readFileSync(wav)).expect(201);
  expect(upload.body).toMatchObject({ container: 'wav' });
  wavKey = upload.body.key as string;
  // The same speech as the audio track of a video (AAC in MP4, 48 kHz stereo).
  await writeFile(join(dir(), 'speech.mp4'), [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=320x240:r=10',
    '-i',
    wav,
    '-shortest',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-ar',
    '48000',
  ]);
  await stack.storage.put('inputs/speech.mp4', readFileSync(join(dir(), 'speech.mp4')), 'video/mp4');
});

afterAll(async () => {
  await stack?.stop();
});

function submit(key: string, params: Record<string, unknown> = {}): Promise<Job> {
  return runJob<Job>(stack, { pipeline: 'speech-detect', input: { key }, params: { minSilenceMs: 500, chunkSeconds: 10, checkpointSeconds: 2, ...params } });
}

async function segmentsOf(job: Job): Promise<SpeechSegment[]> {
  expect(job).toMatchObject({ status: 'completed', failure: null, pipeline: 'speech-detect' });
  const text = (await stack.api().get(`/v1/jobs/${job.id}/results/segments`).expect(200)).text;
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SpeechSegment);
}

function expectTruth(segments: SpeechSegment[]): void {
  expect(truth).toHaveLength(3);
  expect(truth[2]!.start).toBeLessThan(10);
  expect(truth[2]!.end).toBeGreaterThan(10);
  expect(segments).toHaveLength(3);
  for (const [i, s] of segments.entries()) {
    expect(Math.abs(s.start - truth[i]!.start)).toBeLessThan(0.3);
    expect(Math.abs(s.end - truth[i]!.end)).toBeLessThan(0.3);
    expect(s.confidence).toBeGreaterThan(0.6);
  }
}

describe('speech-detect (Silero VAD) through a job', () => {
  it('finds each spoken phrase of an uploaded WAV, one straddling a chunk boundary, where the audio is loud', async () => {
    const job = await submit(wavKey);
    expect(job.progress).toMatchObject({ unit: 'windows', chunksTotal: 2 });
    expect(job.progress.done).toBe(job.progress.total);
    expect(job.result!.windows).toBe(job.progress.total);
    expectTruth(await segmentsOf(job));
    const files = (await stack.api().get(`/v1/jobs/${job.id}/results`).expect(200)).body as { files: { name: string }[] };
    expect(files.files.map((f) => f.name)).toEqual(['segments', 'summary', 'waveform']);
  });

  it('the audio track of a video gives the same segments', async () => {
    expectTruth(await segmentsOf(await submit('inputs/speech.mp4')));
  });

  it('bad input fails fast with a reason: no audio stream, not media, an image model, an unknown field', async () => {
    await writeFile(join(dir(), 'silent.mp4'), ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=5:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    await stack.storage.put('inputs/silent.mp4', readFileSync(join(dir(), 'silent.mp4')), 'video/mp4');
    const noAudio = await submit('inputs/silent.mp4');
    expect(noAudio).toMatchObject({ status: 'failed', failure: { type: 'InvalidMedia', message: expect.stringContaining('no audio stream') } });

    const bad = async (params: Record<string, unknown>): Promise<string> =>
      (
        (
          await stack
            .api()
            .post('/v1/jobs')
            .send({ pipeline: 'speech-detect', input: { key: 'inputs/speech.mp4' }, params })
            .expect(400)
        ).body as { detail: string }
      ).detail;
    expect(await bad({ model: 'anvil-reference' })).toContain("unknown model 'anvil-reference' (speech models: silero-vad)");
    expect(await bad({ checkpointSeconds: 30, chunkSeconds: 10 })).toContain('must not exceed chunkSeconds');
    expect(await bad({ sampleInterval: 2 })).toContain('property params.sampleInterval should not exist');
    // And the other way round: a speech model is no image model.
    const res = await stack
      .api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { key: 'inputs/speech.mp4' }, params: { model: 'silero-vad' } })
      .expect(400);
    expect(res.body.detail).toContain("unknown model 'silero-vad' (image models:");
  });
});
