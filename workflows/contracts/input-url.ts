/**
 * An input URL is often a presigned link whose query string is a credential. It never enters a workflow's
 * history (the Temporal UI shows every input) nor a webhook: the API stores it in S3 beside the job
 * (`inputSourceKey`) and the workflow input carries only that key and a redacted copy to display.
 */
export interface InputSource {
  /** S3 key of `{ "url": "<the full URL>" }` in the Anvil bucket; the fetch activity reads it. */
  key: string;
  /** The URL without its query string, fragment and userinfo (`redactUrl`): what the job shows of it. */
  url: string;
}

/** What the API stores at `InputSource.key`. */
export interface StoredInputUrl {
  url: string;
}

/**
 * `scheme://host[:port]/path` of a URL: the query string, the fragment and any `user:password@` removed.
 * Pure string work (workflow code has no URL parser types); a secret in the path itself stays.
 */
export function redactUrl(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:)\/\/([^/?#\\]*)([^?#]*)/.exec(url.trim());
  if (!match) return '(url)';
  const authority = match[2]!;
  return `${match[1]!.toLowerCase()}//${authority.slice(authority.lastIndexOf('@') + 1)}${match[3]!}`;
}
