import type { ImageLine, StagedImage } from '../../workflows/contracts/image-detect';

/** JSON Lines of any records, one per line, trailing newline. Pure. */
export function toJsonl(records: readonly object[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

export function parseJsonl<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

/** The fields that name an item in its line: its key or its URL. Pure. */
export function itemName(item: Pick<StagedImage, 'key' | 'url'>): Pick<ImageLine, 'key' | 'url'> {
  return item.url !== undefined ? { url: item.url } : { key: item.key! };
}

/** An item's failure line. Pure. */
export function failedLine(item: StagedImage, error: string): ImageLine {
  return { index: item.index, ...itemName(item), error };
}

/**
 * Checks a chunk's lines: indices [start, end), each exactly once, in order; throws naming the first gap or
 * duplicate (a bug or a torn part, never the input's fault). Pure.
 */
export function verifyChunkLines(start: number, end: number, lines: readonly Pick<ImageLine, 'index'>[]): void {
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.index !== start + i) throw new Error(`chunk [${start}, ${end}): line ${i} is image ${lines[i]!.index}, expected ${start + i}`);
  }
  if (lines.length !== end - start) throw new Error(`chunk [${start}, ${end}): ${lines.length} lines, expected ${end - start}`);
}
