/**
 * ffprobe's default output (`-show_streams -show_format`) parsed exactly as fluent-ffmpeg's ffprobe() does
 * (pure): `key=value` lines of each [STREAM] / [FORMAT] block, nested blocks (side data) flattened into it,
 * plain decimal numbers as numbers except TAG: values, `TAG:x` under `tags` and `DISPOSITION:x` under
 * `disposition`. ffmpeg.ts spawns ffprobe itself because fluent-ffmpeg drops stderr when ffprobe exits 0,
 * and a read error shows only there.
 */
export interface ParsedProbe {
  streams: Record<string, unknown>[];
  format: Record<string, unknown>;
}

export function parseFfprobeOutput(stdout: string): ParsedProbe {
  const lines = stdout.split(/\r\n|\r|\n/).filter((l) => l.length > 0);
  const out: ParsedProbe = { streams: [], format: {} };
  const block = (name: string): Record<string, unknown> => {
    const data: Record<string, unknown> = {};
    for (let line = lines.shift(); line !== undefined; line = lines.shift()) {
      if (line.toLowerCase() === `[/${name}]`) break;
      if (line.startsWith('[')) continue;
      const kv = /^([^=]+)=(.*)$/.exec(line);
      if (!kv) continue;
      const [, key, value] = kv as unknown as [string, string, string];
      data[key] = !key.startsWith('TAG:') && /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : value;
    }
    return legacyKeys(data);
  };
  for (let line = lines.shift(); line !== undefined; line = lines.shift()) {
    if (/^\[stream/i.test(line)) out.streams.push(block('stream'));
    else if (/^\[chapter/i.test(line)) block('chapter');
    else if (line.toLowerCase() === '[format]') out.format = block('format');
  }
  return out;
}

/** `TAG:x` → `tags.x`, `DISPOSITION:x` → `disposition.x`, as fluent-ffmpeg moves them. */
function legacyKeys(target: Record<string, unknown>): Record<string, unknown> {
  for (const [prefix, into] of [
    ['TAG:', 'tags'],
    ['DISPOSITION:', 'disposition'],
  ] as const) {
    const keys = Object.keys(target).filter((k) => k.startsWith(prefix));
    if (!keys.length) continue;
    const bag = (target[into] ??= {}) as Record<string, unknown>;
    for (const k of keys) {
      bag[k.slice(prefix.length)] = target[k];
      delete target[k];
    }
  }
  return target;
}
