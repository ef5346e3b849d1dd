import {
  BadRequestException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SNIFF_BYTES } from '../../activities/media/sniff';
import { refusedUploadMessage, sniffUpload } from './upload-content';
import { ObjectNotFoundError, type S3Storage } from '../../activities/storage/s3-storage';
import { API_ENV, type ApiEnv } from '../env';
import { STORAGE } from '../shared/tokens';
import type { CompleteUploadDto, CreateUploadDto, UploadedView, UploadPlanView } from './dto/uploads.dto';
import { readHead } from '../../activities/media/read-head';
import { isUploadKey, PENDING_UPLOADS_PREFIX, pendingUploadKey, planParts, uploadKey } from './upload-plan';

/** The note of a multipart upload not completed yet (`pendingUploadKey`). */
interface PendingUpload {
  key: string;
  uploadId: string;
  createdAt: string;
}

const mib = (n: number): string => `${(n / 1024 ** 2).toFixed(0)} MiB`;

/** Client uploads straight to S3 (presigned, multipart for large files) or streamed through the API (small files). */
@Injectable()
export class UploadsService {
  constructor(
    @Inject(STORAGE) private readonly storage: S3Storage,
    @Inject(API_ENV) private readonly env: ApiEnv,
  ) {}

  async create(dto: CreateUploadDto): Promise<UploadPlanView> {
    if (dto.size > this.env.UPLOAD_MAX_BYTES) {
      throw new PayloadTooLargeException(`the file is ${dto.size} bytes; uploads are limited to ${this.env.UPLOAD_MAX_BYTES} bytes (UPLOAD_MAX_BYTES)`);
    }
    const key = uploadKey(randomUUID(), dto.filename);
    const contentType = dto.contentType ?? 'application/octet-stream';
    const ttl = this.env.PRESIGN_TTL_SECONDS;
    const expiresAt = new Date(Date.now() + ttl * 1000).toISOString();
    const plan = planParts(dto.size, this.env.UPLOAD_PART_BYTES);
    if (!plan.multipart) {
      const url = await this.storage.presignPut(key, contentType, ttl, dto.size);
      return { key, partSize: plan.partSize, parts: [{ partNumber: 1, url }], headers: { 'content-type': contentType }, expiresAt };
    }
    const uploadId = await this.storage.createMultipartUpload(key, contentType);
    const pending: PendingUpload = { key, uploadId, createdAt: new Date().toISOString() };
    await this.storage.put(pendingUploadKey(key), JSON.stringify(pending), 'application/json');
    const numbers = Array.from({ length: plan.partCount }, (_, i) => i + 1);
    const parts = await Promise.all(
      numbers.map(async (partNumber) => {
        // Every part but the last is partSize; the lengths are signed, so the parts add up to the size asked for.
        const length = partNumber < plan.partCount ? plan.partSize : dto.size - plan.partSize * (plan.partCount - 1);
        return { partNumber, url: await this.storage.presignUploadPart(key, uploadId, partNumber, ttl, length) };
      }),
    );
    return { key, uploadId, partSize: plan.partSize, parts, headers: {}, expiresAt };
  }

  /** Finishes a multipart upload (or checks a one-part one) and checks that the content is a video. */
  async complete(dto: CompleteUploadDto): Promise<UploadedView> {
    if (!isUploadKey(dto.key)) throw new BadRequestException('key must be a key returned by POST /v1/uploads');
    if (dto.uploadId !== undefined) {
      if (!dto.parts?.length) throw new BadRequestException('parts is required with uploadId: every part number with the ETag its PUT returned');
      await this.pendingUpload(dto.key, dto.uploadId);
      try {
        await this.storage.completeMultipartUpload(dto.key, dto.uploadId, dto.parts);
      } catch (err) {
        if (err instanceof S3ServiceException && err.name === 'NoSuchUpload') {
          throw new NotFoundException(`no upload ${dto.uploadId} is in progress for ${dto.key}: it was completed, aborted or never started`);
        }
        if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode ?? 500) < 500) {
          throw new BadRequestException(
            `S3 refused to complete the upload (${err.name}): check uploadId, and that every part was uploaded and listed with its ETag`,
          );
        }
        throw err;
      }
    }
    if (dto.uploadId !== undefined) await this.storage.deleteMany([pendingUploadKey(dto.key)]);
    let size: number;
    try {
      size = (await this.storage.head(dto.key)).size;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new NotFoundException(`nothing was uploaded to ${dto.key}: PUT the file to the presigned URL first`);
      throw err;
    }
    if (size > this.env.UPLOAD_MAX_BYTES) {
      await this.storage.deleteMany([dto.key]);
      throw new PayloadTooLargeException(
        `the upload is ${size} bytes; uploads are limited to ${this.env.UPLOAD_MAX_BYTES} bytes (UPLOAD_MAX_BYTES); it was deleted`,
      );
    }
    const sniffed = sniffUpload(size === 0 ? Buffer.alloc(0) : await this.storage.getHead(dto.key, Math.min(SNIFF_BYTES, size)));
    if (!sniffed.media) {
      await this.storage.deleteMany([dto.key]);
      throw new UnprocessableEntityException(`${refusedUploadMessage('the upload', sniffed)} (it was deleted)`);
    }
    return { key: dto.key, size, container: sniffed.container };
  }

  /**
   * Aborts multipart uploads under `uploads/` never completed within their links' lifetime (plus an hour), so
   * abandoned parts stop costing storage. Runs hourly in every API process (idempotent); the bucket's lifecycle
   * rule `AbortIncompleteMultipartUpload` (README) does the same on the S3 side.
   */
  async abortAbandonedUploads(now = new Date()): Promise<number> {
    const before = now.getTime() - (this.env.PRESIGN_TTL_SECONDS + 3600) * 1000;
    let aborted = 0;
    for (const note of await this.storage.list(PENDING_UPLOADS_PREFIX)) {
      const pending = JSON.parse(await this.storage.getText(note)) as PendingUpload;
      if (Date.parse(pending.createdAt) >= before) continue;
      await this.storage.abortMultipartUpload(pending.key, pending.uploadId).catch((err: unknown) => {
        if (!(err instanceof S3ServiceException && err.name === 'NoSuchUpload')) throw err; // completed or aborted already
      });
      await this.storage.deleteMany([note]);
      aborted++;
    }
    return aborted;
  }

  /** 404 unless POST /v1/uploads started this multipart upload for this key and it is not completed or aborted (its note is kept until then). */
  private async pendingUpload(key: string, uploadId: string): Promise<void> {
    let pending: Partial<PendingUpload> | undefined;
    try {
      pending = JSON.parse(await this.storage.getText(pendingUploadKey(key))) as Partial<PendingUpload>;
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
    if (pending?.key !== key || pending.uploadId !== uploadId) {
      throw new NotFoundException(`no upload ${uploadId} is in progress for ${key}: it was completed, aborted or never started`);
    }
  }

  onModuleInit(): void {
    const sweep = (): void => void this.abortAbandonedUploads().catch((err: unknown) => this.logger.warn(`aborting abandoned uploads failed: ${String(err)}`));
    this.sweeper = setInterval(sweep, 3600_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweeper: NodeJS.Timeout | undefined;
  private readonly logger = new Logger('uploads');

  /** Streams a small request body to S3 after checking its first bytes; nothing is stored when the check fails. */
  async direct(filename: string, contentLength: string | undefined, contentType: string | undefined, req: Readable): Promise<UploadedView> {
    if (contentLength === undefined) {
      throw new HttpException('send Content-Length (for a stream of unknown size, use POST /v1/uploads)', HttpStatus.LENGTH_REQUIRED);
    }
    const size = Number(contentLength);
    if (size > this.env.UPLOAD_DIRECT_MAX_BYTES) {
      throw new PayloadTooLargeException(
        `direct uploads are limited to ${mib(this.env.UPLOAD_DIRECT_MAX_BYTES)} (UPLOAD_DIRECT_MAX_BYTES); use POST /v1/uploads for larger files`,
      );
    }
    const { head, body } = await readHead(req, SNIFF_BYTES);
    const sniffed = sniffUpload(head);
    if (!sniffed.media) {
      body.resume(); // read the rest so the client gets the answer
      throw new UnprocessableEntityException(refusedUploadMessage(filename, sniffed));
    }
    const key = uploadKey(randomUUID(), filename);
    await this.storage.put(key, body, contentType?.startsWith('video/') ? contentType : 'application/octet-stream', size);
    return { key, size, container: sniffed.container };
  }
}
