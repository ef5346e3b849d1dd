import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../workflows/contracts';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';

/** Errors that mean "the network or S3 failed", not "the file is bad": those are retried. */
const TRANSIENT = /connection refused|connection reset|timed out|timeout|server returned 5\d\d|i\/o error|end of file.*http|network is unreachable/i;

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

/** Bad-media errors from ffmpeg become non-retryable failures naming the cause; network errors stay retryable. */
export async function classify<T>(work: Promise<T>, key: string, type: string, media: 'video' | 'audio', codec?: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (TRANSIENT.test(message)) throw err;
    const what = codec ? `its ${codec} ${media} cannot be decoded here` : `it is not a readable ${media === 'video' ? 'video' : 'audio or video file'}`;
    throw ApplicationFailure.nonRetryable(`input '${key}': ${what} (${message})`, type);
  }
}
