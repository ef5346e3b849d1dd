/**
 * Failure types. Activities throw `ApplicationFailure.nonRetryable(message, FailureType.X)` for bad
 * input; workflows list the same names in `nonRetryableErrorTypes`, so a wrong input never burns retries.
 * Anything else (S3 down, pod lost, Temporal restart) is retried until the job's deadline.
 */
export const FailureType = {
  /** The input object is not a decodable video (a PNG named .mp4, zero bytes, audio only, truncated). */
  InvalidMedia: 'InvalidMedia',
  /** The container is readable but its video codec cannot be decoded by this ffmpeg. */
  UnsupportedCodec: 'UnsupportedCodec',
  /** The input key does not exist in the bucket. */
  InputNotFound: 'InputNotFound',
  /** The model name is not in the worker's model registry. */
  UnknownModel: 'UnknownModel',
  /** The model file does not match its manifest (tensor names, shapes, dtypes). */
  ModelMismatch: 'ModelMismatch',
  /** Job parameters out of range or inconsistent. */
  InvalidParams: 'InvalidParams',
  /** An input or webhook URL the egress policy refuses (not https, private address, not allow-listed), or an HTTP 4xx from it. */
  UrlRefused: 'UrlRefused',
  /** An input URL's host could not be reached (connection refused, DNS, TLS) after a few attempts with backoff. */
  UrlUnreachable: 'UrlUnreachable',
  /** The input is larger than the deployment accepts. */
  InputTooLarge: 'InputTooLarge',
  /** The job did not finish within its deadline (`JOB_DEADLINE_HOURS`); the chunks it finished are kept for a retry. */
  DeadlineExceeded: 'DeadlineExceeded',
  /** Merge found a planned frame missing or present twice: a bug, never silently accepted. */
  IncompleteOutput: 'IncompleteOutput',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/** Every non-retryable type, for `RetryPolicy.nonRetryableErrorTypes`. */
export const NON_RETRYABLE_FAILURES: string[] = Object.values(FailureType);
