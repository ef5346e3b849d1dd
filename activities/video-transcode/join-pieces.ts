/**
 * The join of encoded pieces (transcode segments, compiled clips): downloaded, concatenated by stream copy with
 * the audio muxed beside, verified by ffprobe against what was planned, then stored. One encoder only: streams
 * of two encoders cannot be joined by copy.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FailureType } from '../../workflows/contracts';
import type { EncodedSegment, OutputSummary } from '../../workflows/contracts/video-transcode';
import type { S3Storage } from '../storage/s3-storage';
import { concatList, joinArgs } from './transcode-args';
import { runFfmpeg } from './run-ffmpeg';
import { outputProblems, probeOutput, type ExpectedOutput } from './verify-output';

export async function joinPieces(input: {
  storage: S3Storage;
  pieces: EncodedSegment[];
  audioKey: string | null;
  /** What the output must be (`audio` is whether an audio key is given). */
  expected: Omit<ExpectedOutput, 'audio'>;
  outputKey: string;
  signal: AbortSignal;
}): Promise<{ summary: OutputSummary; encoder: string }> {
  const { storage, signal } = input;
  const pieces = [...input.pieces].sort((a, b) => a.index - b.index);
  const encoders = [...new Set(pieces.map((s) => s.encoder))];
  if (encoders.length > 1) {
    throw ApplicationFailure.nonRetryable(
      `the pieces were encoded by ${encoders.join(' and ')} (a mixed GPU pool): their streams cannot be joined by copy; submit with encoder 'nvenc' or 'software'`,
      FailureType.InvalidParams,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'anvil-join-'));
  try {
    const download = async (key: string, name: string): Promise<string> => {
      const path = join(dir, name);
      await pipeline((await storage.getStream(key)).body, createWriteStream(path), { signal });
      return path;
    };
    const paths = await Promise.all(pieces.map((s) => download(s.key, `piece-${s.index}.mp4`)));
    const audio = input.audioKey ? await download(input.audioKey, 'audio.m4a') : null;
    const list = join(dir, 'list.txt');
    await writeFile(list, concatList(paths));
    const out = join(dir, 'output.mp4');
    await runFfmpeg(joinArgs(list, audio, out), { signal });
    const { summary, dts } = await probeOutput(out, (await stat(out)).size);
    const problems = outputProblems(summary, dts, { ...input.expected, audio: audio !== null });
    if (problems.length) throw ApplicationFailure.nonRetryable(`the joined output is not what was asked: ${problems.join('; ')}`, FailureType.IncompleteOutput);
    await storage.put(input.outputKey, createReadStream(out), 'video/mp4', summary.sizeBytes);
    return { summary, encoder: encoders[0] ?? 'none' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
