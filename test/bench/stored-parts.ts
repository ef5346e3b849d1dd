/**
 * What a job has stored, read straight from S3 at the moment of a fault: the newest checkpoint part, how long
 * ago it landed and how fast its chunk was going. From those, the frames an attempt had inferred past its last
 * checkpoint when it was killed (the work a fault loses), which heartbeats, throttled to one per 5 s, miss.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { jobPrefix, sampledFrames } from '../../workflows/contracts';

export interface LastStored {
  /** The chunk in flight (the one after the newest part's chunk when that one is finished). */
  chunk: number;
  /** End (exclusive, source frame) of the chunk's newest stored part; undefined when it has none yet. */
  checkpointFrame?: number;
  /**
   * Seconds the attempt has been inferring past the checkpoint: since the newest part (or, with none in the
   * chunk, the previous chunk's manifest) was stored, or since `notBefore` (the attempt resumed) if later.
   */
  ageSeconds: number;
  /** Processed frames per second between the newest two parts of any chunk. */
  rate?: number;
  /** Frames inferred past the checkpoint, estimated as age x rate. */
  lostEstimate?: number;
}

interface Obj {
  chunk: number;
  from?: number;
  to?: number;
  manifest: boolean;
  at: number;
}

const KEY = /\/chunks\/(\d+)\/(?:part-(\d+)-(\d+)\.|(chunk\.json))/;

export class StoredParts {
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(env: NodeJS.ProcessEnv) {
    this.bucket = env['S3_BUCKET'] ?? 'anvil';
    this.s3 = new S3Client({
      endpoint: env['S3_ENDPOINT'],
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: env['S3_ACCESS_KEY_ID'] ?? '', secretAccessKey: env['S3_SECRET_ACCESS_KEY'] ?? '' },
    });
  }

  async last(jobId: string, sampleInterval: number, notBefore = 0): Promise<LastStored | undefined> {
    const objects: Obj[] = [];
    let token: string | undefined;
    do {
      const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${jobPrefix(jobId)}/chunks/`, ContinuationToken: token }));
      for (const o of out.Contents ?? []) {
        const m = KEY.exec(o.Key ?? '');
        if (!m || !o.LastModified) continue;
        objects.push({
          chunk: Number(m[1]),
          from: m[2] ? Number(m[2]) : undefined,
          to: m[3] ? Number(m[3]) : undefined,
          manifest: !!m[4],
          at: o.LastModified.getTime(),
        });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    const parts = objects.filter((o) => !o.manifest).sort((a, b) => a.at - b.at);
    const newest = objects.sort((a, b) => a.at - b.at).at(-1);
    if (!newest) return undefined;
    // The newest two parts of one chunk: the pace of inference, without a chunk's start-up between them.
    let i = parts.length - 1;
    while (i > 0 && (parts[i - 1]!.chunk !== parts[i]!.chunk || parts[i - 1]!.at >= parts[i]!.at)) i--;
    const [p, q] = [parts[i - 1], parts[i]];
    const rate = p && q ? sampledFrames(q.from!, q.to!, sampleInterval) / ((q.at - p.at) / 1000) : undefined;
    const ageSeconds = (Date.now() - Math.max(newest.at, notBefore)) / 1000;
    const lostEstimate = rate === undefined ? undefined : Math.round(ageSeconds * rate);
    if (newest.manifest) return { chunk: newest.chunk + 1, ageSeconds, rate, lostEstimate };
    return { chunk: newest.chunk, checkpointFrame: newest.to, ageSeconds, rate, lostEstimate };
  }

  destroy(): void {
    this.s3.destroy();
  }
}
