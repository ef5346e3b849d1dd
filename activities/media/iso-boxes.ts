/**
 * ISO base media file format boxes (MP4, MOV, M4V): headers, children and the file's top level, pure. The
 * reads that fetch the bytes are mp4-index-read.ts; what the boxes of the index mean is mp4-index.ts.
 */

/** Why the index cannot answer: the caller falls back to the packet scan, which reads the whole file. */
export class IndexRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'IndexRefused';
  }
}

/** A box: its four-character type, where it starts, where its payload starts and where it ends (exclusive). */
export interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

/** Bytes a box header takes at most: 32-bit size, type, 64-bit size. */
export const BOX_HEADER_BYTES = 16;

/**
 * The box whose header is at `at` in `bytes` (the byte at `at` lies at `start` in the file), inside a parent
 * that ends at `parentEnd` (file offsets). Size 1: a 64-bit size follows the type; size 0: the box runs to the
 * parent's end. Refuses a header cut short, a size below the header's or a box past its parent's end.
 */
export function boxAt(bytes: Uint8Array, at: number, start: number, parentEnd: number): Box {
  if (at + 8 > bytes.length) throw new IndexRefused(`box header at ${start} is cut short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size32 = view.getUint32(at);
  const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
  let header = 8;
  let size: number = size32;
  if (size32 === 1) {
    if (at + 16 > bytes.length) throw new IndexRefused(`box header at ${start} is cut short`);
    const large = view.getBigUint64(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new IndexRefused(`box '${type}' at ${start} is too large`);
    size = Number(large);
    header = 16;
  } else if (size32 === 0) {
    size = parentEnd - start;
  }
  if (size < header) throw new IndexRefused(`box '${type}' at ${start} has an invalid size ${size}`);
  if (start + size > parentEnd) throw new IndexRefused(`box '${type}' at ${start} runs past the end of its parent`);
  return { type, start, body: start + header, end: start + size };
}

/** The child boxes of `parent` within `bytes`, whose first byte lies at `base` in the file. */
export function childBoxes(bytes: Uint8Array, parent: Pick<Box, 'body' | 'end'>, base = 0): Box[] {
  const boxes: Box[] = [];
  let at = parent.body;
  // Fewer than 8 bytes left over are padding, as ffmpeg reads them.
  while (parent.end - at >= 8) {
    const box = boxAt(bytes, at - base, at, parent.end);
    boxes.push(box);
    at = box.end;
  }
  return boxes;
}

/** The one child of a type, undefined without one; refuses two (a file demuxers read differently). */
export function onlyChild(boxes: Box[], type: string): Box | undefined {
  const found = boxes.filter((b) => b.type === type);
  if (found.length > 1) throw new IndexRefused(`more than one '${type}' box`);
  return found[0];
}

/** Top-level boxes whose presence means the samples are not all described by one `moov`. */
const NOT_PLAIN = new Set(['moof', 'mfra', 'hoov', 'sidx', 'ssix', 'styp']);

/** Refuses a top-level box that a plain file does not hold (as soon as it is read: a fragmented file has thousands). */
export function plainTopLevel(box: Box): void {
  if (NOT_PLAIN.has(box.type)) throw new IndexRefused(`a '${box.type}' box at the top level (fragmented or unusual file)`);
}

/** Top-level boxes a plain file may hold at most: more are read one small request each, so refuse them. */
export const MAX_TOP_LEVEL_BOXES = 64;

/**
 * The `moov` of a plain (non-fragmented) file from the list of its top-level boxes, read to the end of the
 * file: refuses fragments (`moof`, `sidx`, ...), a file without a `moov` and a `moov` over `maxMoovBytes`.
 * A second `moov` is skipped, as ffmpeg skips it.
 */
export function plainMoov(topLevel: Box[], maxMoovBytes: number): Box {
  topLevel.forEach(plainTopLevel);
  const moov = topLevel.find((b) => b.type === 'moov');
  if (!moov) throw new IndexRefused('no moov box at the top level');
  if (moov.end - moov.start > maxMoovBytes) throw new IndexRefused(`the moov box takes ${moov.end - moov.start} bytes, over ${maxMoovBytes}`);
  return moov;
}
