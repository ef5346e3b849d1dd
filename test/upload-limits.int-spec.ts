/**
 * The upload limit holds for presigned uploads too: the URLs sign the length the client asked for, so a PUT of
 * any other size is refused by S3; and multipart uploads a client never completes are aborted, not left to
 * cost storage.
 */
import { UploadsService } from '../api/uploads/uploads.service';
import { startTestStack, type TestStack } from './support/stack';

const MiB = 1024 ** 2;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ apiEnv: { UPLOAD_PART_BYTES: String(5 * MiB) } });
});

afterAll(async () => {
  await stack?.stop();
});

type Plan = { key: string; uploadId?: string; parts: { partNumber: number; url: string }[]; headers: Record<string, string> };

it('a presigned PUT of another size than the one asked for is refused by S3 (one part and multipart alike)', async () => {
  const one = (await stack.api().post('/v1/uploads').send({ filename: 'small.mp4', size: 1000, contentType: 'video/mp4' }).expect(201)).body as Plan;
  const bigger = await fetch(one.parts[0]!.url, { method: 'PUT', body: Buffer.alloc(50 * MiB), headers: one.headers });
  expect(bigger.status).toBe(403);
  expect(await stack.storage.list(one.key)).toEqual([]);
  expect((await fetch(one.parts[0]!.url, { method: 'PUT', body: Buffer.alloc(1000), headers: one.headers })).status).toBe(200);

  const multi = (
    await stack
      .api()
      .post('/v1/uploads')
      .send({ filename: 'big.mp4', size: 11 * MiB })
      .expect(201)
  ).body as Plan;
  expect(multi.parts).toHaveLength(3);
  const last = multi.parts[2]!;
  expect((await fetch(last.url, { method: 'PUT', body: Buffer.alloc(5 * MiB) })).status).toBe(403); // the last part is 1 MiB
  expect((await fetch(last.url, { method: 'PUT', body: Buffer.alloc(1 * MiB) })).status).toBe(200);
  await stack.storage.abortMultipartUpload(multi.key, multi.uploadId!);
});

it('a multipart upload never completed is aborted once its links have expired', async () => {
  const plan = (
    await stack
      .api()
      .post('/v1/uploads')
      .send({ filename: 'left.mp4', size: 11 * MiB })
      .expect(201)
  ).body as Plan;
  const putPart = (n: number, bytes: number): Promise<number> => fetch(plan.parts[n]!.url, { method: 'PUT', body: Buffer.alloc(bytes) }).then((r) => r.status);
  expect(await putPart(0, 5 * MiB)).toBe(200);
  const uploads = stack.app.get(UploadsService);
  const hoursFromNow = (h: number): Date => new Date(Date.now() + h * 3600_000);

  expect(await uploads.abortAbandonedUploads(new Date())).toBe(0); // still within its links' lifetime
  expect(await putPart(1, 5 * MiB)).toBe(200);
  expect(await uploads.abortAbandonedUploads(hoursFromNow(3))).toBeGreaterThanOrEqual(1); // PRESIGN_TTL_SECONDS (1 h) + 1 h on
  expect(await putPart(2, 1 * MiB)).toBe(404); // NoSuchUpload: its parts are gone
  expect(await stack.storage.list(`uploads-pending/${plan.key.split('/')[1]}`)).toEqual([]);
});
