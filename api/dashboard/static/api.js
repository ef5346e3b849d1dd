/**
 * The API as the dashboard calls it: same origin, the token from sessionStorage in the Authorization header
 * (never in a URL). Event streams are read with fetch, not EventSource, which cannot send the header.
 */
const TOKEN_KEY = 'anvil.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An API error answer (problem+json): `detail` says what to change. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** Called on a 401: the page goes back to sign-in. */
let onUnauthorized = () => {};
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

function headers(extra = {}) {
  return { authorization: `Bearer ${token.get() ?? ''}`, ...extra };
}

async function check(res) {
  if (res.ok) return res;
  let detail = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body.detail) detail = body.detail;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) onUnauthorized();
  throw new ApiError(res.status, detail);
}

export async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await check(await fetch(path, init));
  return res.status === 204 ? null : res.json();
}

/** A file's bytes as an object URL (previews: the API streams them to a token holder only). */
export async function blobUrl(path) {
  const res = await check(await fetch(path, { headers: headers() }));
  return URL.createObjectURL(await res.blob());
}

/**
 * Reads `GET /v1/jobs/:id/events` and calls onEvent({event, data}) for each event until the job ends or
 * `signal` aborts. Resolves when the stream ends.
 */
export async function streamEvents(path, onEvent, signal) {
  const res = await check(await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal }));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = parseEvent(block);
      if (event) onEvent(event);
    }
  }
}

/** One Server-Sent Event block (`event:` and `data:` lines) as {event, data}; data is JSON here. */
export function parseEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length === 0) return undefined;
  try {
    return { event, data: JSON.parse(data.join('\n')) };
  } catch {
    return undefined;
  }
}

/** PUT with upload progress (fetch has none): onProgress(loaded, total). Resolves with the answer's JSON, or the ETag for S3. */
export function putWithProgress(url, file, { auth, contentType, onProgress }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    if (auth) xhr.setRequestHeader('authorization', `Bearer ${token.get() ?? ''}`);
    if (contentType) xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onerror = () => reject(new ApiError(0, `the upload to ${new URL(url, location.href).host} failed (network or CORS)`));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(auth ? JSON.parse(xhr.responseText) : xhr.getResponseHeader('etag'));
        return;
      }
      let detail = `${xhr.status} ${xhr.statusText}`;
      try {
        detail = JSON.parse(xhr.responseText).detail ?? detail;
      } catch {
        // S3 answers XML
      }
      if (xhr.status === 401 && auth) onUnauthorized();
      reject(new ApiError(xhr.status, detail));
    };
    xhr.send(file);
  });
}

/** Largest file sent through the API in one PUT (the API's default UPLOAD_DIRECT_MAX_BYTES); larger ones go to S3 in presigned parts. */
const DIRECT_MAX = 64 * 1024 ** 2;

/**
 * Uploads a file with the existing endpoints: `PUT /v1/uploads/:filename` for a small one, else `POST /v1/uploads`
 * (presigned parts straight to S3) and `POST /v1/uploads/complete`. Resolves with the object key.
 */
export async function upload(file, onProgress) {
  const contentType = file.type || 'application/octet-stream';
  if (file.size <= DIRECT_MAX) {
    const done = await putWithProgress(`/v1/uploads/${encodeURIComponent(file.name)}`, file, { auth: true, contentType, onProgress }).catch((err) =>
      err.status === 413 ? null : Promise.reject(err),
    );
    if (done) return done.key;
  }
  const plan = await api('POST', '/v1/uploads', { filename: file.name, size: file.size, contentType });
  const sent = new Array(plan.parts.length).fill(0);
  const parts = [];
  for (const [i, part] of plan.parts.entries()) {
    const body = file.slice(i * plan.partSize, Math.min(file.size, (i + 1) * plan.partSize));
    const etag = await putWithProgress(part.url, body, {
      auth: false,
      contentType: plan.headers['content-type'],
      onProgress: (loaded) => {
        sent[i] = loaded;
        onProgress(
          sent.reduce((a, b) => a + b, 0),
          file.size,
        );
      },
    });
    parts.push({ partNumber: part.partNumber, etag });
  }
  await api('POST', '/v1/uploads/complete', plan.uploadId ? { key: plan.key, uploadId: plan.uploadId, parts } : { key: plan.key });
  return plan.key;
}
