/** The chart previews as SVG (sharp renders them to PNG): pure. */
import type { SpeechSegment } from '../../workflows/contracts';
import { escapeXml, hex, labelColour, svg } from './draw';
import type { LabelCountBins, PeakColumns } from './preview-plan';

const FONT = 'font-family="DejaVu Sans, sans-serif" font-size="11" fill="#333333"';

/** A plot area inside a chart: left/top margins and its size. */
interface Area {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Time ticks under a plot: about six, at round seconds. */
function timeAxis(area: Area, duration: number): string {
  const step = niceStep(duration / 6);
  const ticks: string[] = [];
  for (let t = 0; t <= duration + 1e-9; t += step) {
    const x = area.x + (duration > 0 ? (t / duration) * area.w : 0);
    ticks.push(
      `<line x1="${x.toFixed(1)}" y1="${area.y + area.h}" x2="${x.toFixed(1)}" y2="${area.y + area.h + 4}" stroke="#666666"/>`,
      `<text x="${x.toFixed(1)}" y="${area.y + area.h + 16}" text-anchor="middle" ${FONT}>${formatSeconds(t)}</text>`,
    );
  }
  return `<line x1="${area.x}" y1="${area.y + area.h}" x2="${area.x + area.w}" y2="${area.y + area.h}" stroke="#666666"/>${ticks.join('')}`;
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

function formatSeconds(t: number): string {
  if (t >= 3600) return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}`;
  if (t >= 60) return `${Math.floor(t / 60)}m${String(Math.round(t % 60)).padStart(2, '0')}`;
  return `${Number(t.toFixed(2))}s`;
}

/** Detections per frame over time, one line per label (the `maxLabels` most frequent), with a legend. */
export function labelCountsSvg(bins: LabelCountBins, duration: number, size = { width: 640, height: 240 }, maxLabels = 6): string {
  const area: Area = { x: 44, y: 28, w: size.width - 44 - 130, h: size.height - 28 - 30 };
  const labels = bins.topLabels(maxLabels);
  const series = labels.map((l) => bins.series(l));
  const peak = Math.max(1, ...series.flat().map((v) => v ?? 0));
  const yMax = niceStep(peak / 4) * Math.ceil(peak / niceStep(peak / 4));
  const parts = [
    `<rect width="${size.width}" height="${size.height}" fill="#ffffff"/>`,
    `<text x="${area.x}" y="16" ${FONT} font-weight="bold">detections per frame over time</text>`,
    timeAxis(area, duration),
  ];
  for (const v of [0, yMax / 2, yMax]) {
    const y = area.y + area.h - (v / yMax) * area.h;
    parts.push(
      `<line x1="${area.x}" y1="${y.toFixed(1)}" x2="${area.x + area.w}" y2="${y.toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${area.x - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" ${FONT}>${Number(v.toFixed(2))}</text>`,
    );
  }
  if (labels.length === 0) parts.push(`<text x="${area.x + area.w / 2}" y="${area.y + area.h / 2}" text-anchor="middle" ${FONT}>no detections</text>`);
  labels.forEach((label, i) => {
    const colour = hex(labelColour(label));
    const points = series[i]!.flatMap((v, b) =>
      v === null ? [] : [`${(area.x + ((b + 0.5) / bins.bins) * area.w).toFixed(1)},${(area.y + area.h - (v / yMax) * area.h).toFixed(1)}`],
    );
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    const ly = area.y + 8 + i * 18;
    parts.push(
      `<rect x="${area.x + area.w + 12}" y="${ly - 8}" width="12" height="10" fill="${colour}"/>`,
      `<text x="${area.x + area.w + 30}" y="${ly + 1}" ${FONT}>${escapeXml(truncate(label, 16))}</text>`,
    );
  });
  return svg(size.width, size.height, parts.join(''));
}

/** The waveform (min..max per column) with each speech segment shaded and outlined. */
export function waveformSvg(peaks: PeakColumns, segments: readonly SpeechSegment[], duration: number, height = 200): string {
  const width = peaks.columns + 20;
  const area: Area = { x: 10, y: 26, w: peaks.columns, h: height - 26 - 30 };
  const mid = area.y + area.h / 2;
  const x = (t: number): number => area.x + (duration > 0 ? Math.min(1, Math.max(0, t / duration)) * area.w : 0);
  const speech = segments.reduce((s, g) => s + (g.end - g.start), 0);
  const parts = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${area.x}" y="16" ${FONT} font-weight="bold">${segments.length} speech segment${segments.length === 1 ? '' : 's'}, ${formatSeconds(speech)} of ${formatSeconds(duration)}</text>`,
  ];
  for (const s of segments) {
    parts.push(
      `<rect x="${x(s.start).toFixed(1)}" y="${area.y}" width="${Math.max(1, x(s.end) - x(s.start)).toFixed(1)}" height="${area.h}" fill="#3cb44b" fill-opacity="0.25" stroke="#3cb44b"/>`,
    );
  }
  const path: string[] = [];
  for (let c = 0; c < peaks.columns; c++) {
    const top = mid - Math.min(1, Math.max(-1, peaks.max[c]!)) * (area.h / 2);
    const bottom = mid - Math.min(1, Math.max(-1, peaks.min[c]!)) * (area.h / 2);
    path.push(`M${area.x + c + 0.5} ${top.toFixed(1)}V${Math.max(bottom, top + 1).toFixed(1)}`);
  }
  parts.push(`<path d="${path.join('')}" stroke="#0082c8" stroke-width="1"/>`, timeAxis(area, duration));
  return svg(width, height, parts.join(''));
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
