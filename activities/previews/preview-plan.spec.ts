import { clipPlan, heldFrame, LabelCountBins, PeakColumns, previewSize, sheetFrames } from './preview-plan';

describe('previewSize', () => {
  it.each([
    [1920, 1080, 640, 640, 360],
    [1080, 1920, 640, 640, 1138],
    [320, 240, 640, 320, 240],
    [641, 333, 640, 640, 332],
  ])('%ix%i at most %i wide -> %ix%i', (w, h, max, ew, eh) => expect(previewSize(w, h, max)).toEqual({ width: ew, height: eh }));
});

describe('clipPlan', () => {
  const limits = { seconds: 10, frames: 300 };
  it.each([
    ['from the start when nothing was found', { fps: 25, frameCount: 1000 }, undefined, { start: 0, frames: 250, fps: 25 }],
    ['a second before the first detection', { fps: 25, frameCount: 1000 }, 100, { start: 75, frames: 250, fps: 25 }],
    ['moved back when the video ends first', { fps: 25, frameCount: 1000 }, 900, { start: 750, frames: 250, fps: 25 }],
    ['a short video whole', { fps: 30, frameCount: 40 }, 20, { start: 0, frames: 40, fps: 30 }],
    ['60 fps capped by frames', { fps: 60, frameCount: 10_000 }, 0, { start: 0, frames: 300, fps: 60 }],
    ['no frame rate: 25', { fps: 0, frameCount: 100 }, 50, { start: 0, frames: 100, fps: 25 }],
  ])('%s', (_, media, first, expected) => expect(clipPlan(media, first, limits)).toEqual(expected));
});

describe('sheetFrames', () => {
  it.each([
    [100, 1, 4, [0, 33, 66, 99]],
    [100, 10, 4, [0, 30, 60, 90]],
    [3, 1, 12, [0, 1, 2]],
    [1, 1, 12, [0]],
    [0, 1, 12, []],
  ])('%i frames, every %i, %i picks', (count, s, n, expected) => expect(sheetFrames(count, s, n)).toEqual(expected));
});

it('heldFrame: a decoded frame shows the last processed frame', () => {
  expect([0, 1, 2, 3, 4].map((f) => heldFrame(f, 3))).toEqual([0, 0, 0, 3, 3]);
});

it('LabelCountBins: mean detections per frame in each stretch, top labels first', () => {
  const bins = new LabelCountBins(4, 2);
  const det = (label: string) => ({ label, classId: 0, score: 1, box: [0, 0, 1, 1] as [number, number, number, number] });
  bins.add({ frame: 0, t: 0, detections: [det('car'), det('car'), det('dog')] });
  bins.add({ frame: 1, t: 0.1, detections: [] });
  bins.add({ frame: 3, t: 0.3, detections: [det('dog')] });
  expect(bins.topLabels(5)).toEqual(['car', 'dog']);
  expect(bins.series('car')).toEqual([1, 0]);
  expect(bins.series('dog')).toEqual([0.5, 1]);
  expect(new LabelCountBins(4, 2).series('car')).toEqual([null, null]);
});

it('PeakColumns: min and max per column across chunks, samples past the total ignored', () => {
  const peaks = new PeakColumns(4, 2);
  peaks.add(new Float32Array([0.5, -0.25, 0.125]));
  peaks.add(new Float32Array([-0.75, 1]));
  expect([...peaks.min]).toEqual([-0.25, -0.75]);
  expect([...peaks.max]).toEqual([0.5, 0.125]);
});
