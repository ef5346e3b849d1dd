import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../workflows/contracts';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { TransientReadError, withoutUrls } from './ffmpeg-errors';

/** Errors that mean "the network or S3 failed", not "the file is bad": those are retried. */
const TRANSIENT =
  /connection refused|connection reset|timed out|timeout|server returned 5\d\d|i\/o error|input\/output error|end of file.*http|network is unreachable|error in the pull function|stream ends prematurely|: end of file$/im;

/** Longest cause quoted in a failure message (the cause line of ffmpeg's stderr, already reduced by ffmpeg.ts). */
const MAX_CAUSE = 200;

/** Size of the input object; a missing or empty one fails non-retryably, naming the key. */
export async function headInput(storage: S3Storage, key: string): Promise<{ size: number; etag: string }> {
  let head;
  try {
    head = await storage.head(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError)
      throw ApplicationFailure.nonRetryable(`input '${key}' does not exist in bucket '${storage.bucket}'`, FailureType.InputNotFound);
    throw err;
  }
  if (head.size === 0) throw ApplicationFailure.nonRetryable(`input '${key}' is empty (0 bytes)`, FailureType.InvalidMedia);
  return head;
}

/**
 * Bad-media errors from ffmpeg become non-retryable failures naming the cause (no URL, at most 200 characters of
 * it); read errors (`TransientReadError`, or a message naming a network failure) stay retryable as they are.
 */
export async function classify<T>(work: Promise<T>, key: string, type: string, media: 'video' | 'audio', codec?: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof TransientReadError || TRANSIENT.test(message)) throw err;
    const cause = withoutUrls(message, 'the input');
    const short = cause.length <= MAX_CAUSE ? cause : `${cause.slice(0, MAX_CAUSE - 1)}…`;
    const what = codec ? `its ${codec} ${media} cannot be decoded here` : `it is not a readable ${media === 'video' ? 'video' : 'audio or video file'}`;
    throw ApplicationFailure.nonRetryable(`input '${key}': ${what} (${short})`, type);
  }
}
