/**
 * video-detect's previews: an annotated clip (MP4), a contact sheet (PNG) and the counts-over-time chart (PNG),
 * from the input and the merged detections.jsonl, read once as a stream.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import sharp, { type OverlayOptions } from 'sharp';
import { PREVIEW_LIMITS, previewKeys, type Detection, type FrameDetections, type VideoPreviewInput, type VideoPreviewKeys } from '../../workflows/contracts';
import type { S3Storage } from '../storage/s3-storage';
import { labelCountsSvg } from './charts';
import { blendMask, escapeXml, labelColour, overlaySvg, svg, type RgbFrame } from './draw';
import { encodeMp4 } from './encode';
import { decodeFrames } from './frame-source';
import { clipPlan, heldFrame, LabelCountBins, previewSize, sheetFrames, type ClipPlan } from './preview-plan';

/** What one pass over detections.jsonl keeps: the clip's frames with detections, the sheet's frames, the chart's bins. */
interface DetectionsRead {
  clip: ClipPlan;
  clipDetections: Map<number, Detection[]>;
  sheet: FrameDetections[];
  bins: LabelCountBins;
}

async function readDetections(storage: S3Storage, input: VideoPreviewInput): Promise<DetectionsRead> {
  const { media, sampleInterval } = input;
  const wanted = new Set(sheetFrames(media.frameCount, sampleInterval, PREVIEW_LIMITS.sheetFrames));
  const bins = new LabelCountBins(media.frameCount, Math.max(1, Math.min(120, Math.ceil(media.frameCount / sampleInterval))));
  const sheet: FrameDetections[] = [];
  const clipDetections = new Map<number, Detection[]>();
  let clip: ClipPlan | undefined;
  const { body } = await storage.getStream(input.detectionsKey);
  for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
    if (!text) continue;
    const line = JSON.parse(text) as FrameDetections;
    bins.add(line);
    if (wanted.has(line.frame)) sheet.push(line);
    if (!clip && line.detections.length > 0) clip = clipPlan(media, line.frame, PREVIEW_LIMITS);
    if (clip && line.detections.length > 0 && line.frame < clip.start + clip.frames) clipDetections.set(line.frame, line.detections);
  }
  return { clip: clip ?? clipPlan(media, undefined, PREVIEW_LIMITS), clipDetections, sheet, bins };
}

/** Masks blended into the frame, then the boxes and labels composited over it; the frame as it was when nothing was found. */
async function annotate(frame: RgbFrame, detections: readonly Detection[], source: { width: number; height: number }, fontSize: number): Promise<Buffer> {
  if (detections.length === 0) return frame.data;
  for (const d of detections) if (d.mask) blendMask(frame, d.mask, labelColour(d.label));
  const overlay = overlaySvg(frame.width, frame.height, { detections, sourceWidth: source.width, sourceHeight: source.height }, fontSize);
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .composite([{ input: Buffer.from(overlay) }])
    .removeAlpha()
    .raw()
    .toBuffer();
}

async function* annotatedClip(
  storage: S3Storage,
  input: VideoPreviewInput,
  read: DetectionsRead,
  size: { width: number; height: number },
): AsyncGenerator<Buffer> {
  let frame = read.clip.start;
  for await (const data of decodeFrames(storage, input, read.clip.start, read.clip.frames, size)) {
    const detections = read.clipDetections.get(heldFrame(frame, input.sampleInterval)) ?? [];
    yield await annotate({ data, ...size }, detections, input.media, 12);
    frame++;
  }
}

/** The sheet: a grid of annotated frames, each captioned with its frame number, time and detection count. */
async function contactSheet(storage: S3Storage, input: VideoPreviewInput, frames: FrameDetections[]): Promise<Buffer> {
  const tile = previewSize(input.media.width, input.media.height, PREVIEW_LIMITS.sheetTileWidth);
  const columns = Math.min(4, Math.max(1, frames.length));
  const rows = Math.max(1, Math.ceil(frames.length / columns));
  const [gap, caption] = [6, 18];
  const width = columns * (tile.width + gap) + gap;
  const height = rows * (tile.height + caption + gap) + gap;
  const layers: OverlayOptions[] = [];
  const captions: string[] = [];
  for (const [i, line] of frames.entries()) {
    const [left, top] = [gap + (i % columns) * (tile.width + gap), gap + Math.floor(i / columns) * (tile.height + caption + gap)];
    for await (const data of decodeFrames(storage, input, line.frame, 1, tile)) {
      const pixels = await annotate({ data, ...tile }, line.detections, input.media, 10);
      layers.push({ input: pixels, raw: { width: tile.width, height: tile.height, channels: 3 }, left, top });
    }
    const n = line.detections.length;
    captions.push(
      `<text x="${left + 2}" y="${top + tile.height + 13}">${escapeXml(`frame ${line.frame} · ${line.t.toFixed(2)} s · ${n} detection${n === 1 ? '' : 's'}`)}</text>`,
    );
  }
  layers.push({ input: Buffer.from(svg(width, height, `<g font-family="DejaVu Sans, sans-serif" font-size="11" fill="#222222">${captions.join('')}</g>`)) });
  return sharp({ create: { width, height, channels: 3, background: '#f4f4f4' } })
    .composite(layers)
    .png()
    .toBuffer();
}

/** Renders the three previews and stores them under the job's prefix; returns their keys. */
export async function renderVideoPreviews(storage: S3Storage, input: VideoPreviewInput): Promise<VideoPreviewKeys> {
  const keys = previewKeys(input.jobId);
  const read = await readDetections(storage, input);
  const size = previewSize(input.media.width, input.media.height, PREVIEW_LIMITS.width);
  const dir = await mkdtemp(join(tmpdir(), 'anvil-preview-'));
  try {
    const path = join(dir, 'preview.mp4');
    await encodeMp4(annotatedClip(storage, input, read, size), size, read.clip.fps, path);
    await storage.put(keys.preview, await readFile(path), 'video/mp4');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await storage.put(keys.contactSheet, await contactSheet(storage, input, read.sheet), 'image/png');
  const chart = await sharp(Buffer.from(labelCountsSvg(read.bins, input.media.duration)))
    .png()
    .toBuffer();
  await storage.put(keys.labelCounts, chart, 'image/png');
  return { preview: keys.preview, contactSheet: keys.contactSheet, labelCounts: keys.labelCounts };
}
