/** speech-detect's preview: the waveform of the whole stream (decoded at a low rate, min/max per pixel column) with the segments marked. */
import sharp from 'sharp';
import { previewKeys, type SpeechPreviewInput, type SpeechPreviewKeys, type SpeechSegment } from '../../workflows/contracts';
import { buildAudioDecodeArgs } from '../media/ffmpeg-args';
import { startDecode } from '../media/ffmpeg';
import type { S3Storage } from '../storage/s3-storage';
import { waveformSvg } from './charts';
import { PeakColumns } from './preview-plan';

/** Samples per second decoded for the waveform: enough for 1,000 columns of any length of audio. */
const WAVEFORM_RATE = 4000;
const COLUMNS = 1000;

async function peaks(storage: S3Storage, input: SpeechPreviewInput): Promise<PeakColumns> {
  const samples = Math.max(1, Math.ceil(input.audio.duration * WAVEFORM_RATE));
  const columns = new PeakColumns(samples, COLUMNS);
  const decode = startDecode(
    await storage.presignGet(input.inputKey),
    buildAudioDecodeArgs({ startSeconds: input.audio.startOffset, samples, sampleRate: WAVEFORM_RATE }),
  );
  let finished = false;
  try {
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of decode.frames as AsyncIterable<Buffer>) {
      const bytes = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const whole = bytes.length - (bytes.length % 4);
      // A copy: the chunk's offset need not be 4-byte aligned for a Float32Array view.
      columns.add(new Float32Array(new Uint8Array(bytes.subarray(0, whole)).buffer));
      rest = bytes.subarray(whole);
    }
    await decode.done;
    finished = true;
  } finally {
    if (!finished) decode.kill();
  }
  return columns;
}

/** Renders the waveform PNG and stores it under the job's prefix; returns its key. */
export async function renderSpeechPreviews(storage: S3Storage, input: SpeechPreviewInput): Promise<SpeechPreviewKeys> {
  const { waveform } = previewKeys(input.jobId);
  const segments = (await storage.getText(input.segmentsKey))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SpeechSegment);
  const svg = waveformSvg(await peaks(storage, input), segments, input.audio.duration);
  await storage.put(waveform, await sharp(Buffer.from(svg)).png().toBuffer(), 'image/png');
  return { waveform };
}
