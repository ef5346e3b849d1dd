import { z } from 'zod/v4';

/**
 * Object keys from users: any Unicode text, relative, without "." or ".." segments or control characters.
 * Without flags or `\p{…}` (`[\s\S]` for any character, Cc as its two ranges): the OpenAPI document states them as patterns.
 */
export const RELATIVE = /^(?!\/)/;
export const NO_DOT_SEGMENTS = /^(?!(?:[\s\S]*\/)?\.\.?(?:\/|$))/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NO_CONTROL_CHARACTERS = /^[^\x00-\x1f\x7f-\x9f]*$/;

/** An S3 key in params (`intro`, `outro`): the rules of `input.key`, one message each. */
export const objectKeyParam = z
  .string()
  .min(1)
  .max(1024)
  .regex(RELATIVE, { message: 'must be relative: no leading "/"' })
  .regex(NO_DOT_SEGMENTS, { message: 'must not have "." or ".." segments' })
  .regex(NO_CONTROL_CHARACTERS, { message: 'must not contain control characters' });
