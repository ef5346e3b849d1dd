import { planCompile, type ProbedClip } from './compile-plan';

const frame = { width: 640, height: 360, fps: 30 };
const clip = (role: ProbedClip['role'], duration: number, extra: Partial<ProbedClip> = {}): ProbedClip => ({
  role,
  key: `uploads/${String(role)}.mp4`,
  etag: 'e',
  duration,
  startTime: 0,
  audio: true,
  ...extra,
});

describe('planCompile', () => {
  it('cuts each clip at its times, plays intro and outro whole, counts frames at the output rate', () => {
    const r = planCompile(
      [clip('intro', 2), clip(0, 10), clip(1, 4, { startTime: 1.4, audio: false }), clip('outro', 1.5)],
      [{ start: 2, end: 3.5 }, { start: 1 }],
      frame,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.clips.map((c) => [c.name, c.seek, c.seconds, c.frames, c.audio])).toEqual([
      ["intro ('uploads/intro.mp4')", 0, 2, 60, true],
      ["clip 0 ('uploads/0.mp4')", 2, 1.5, 45, true],
      // A file whose first frame is at 1.4 s: the in point counts from that frame, -ss from the file start.
      ["clip 1 ('uploads/1.mp4')", 2.4, 3, 90, false],
      ["outro ('uploads/outro.mp4')", 0, 1.5, 45, true],
    ]);
    expect(r.plan).toMatchObject({ frames: 240, duration: 8, width: 640, height: 360, fps: 30 });
  });

  it('names the clip and the param whose times are outside the clip', () => {
    const r = planCompile([clip(0, 10), clip(1, 4), clip(2, 4)], [{ start: 0 }, { start: 1, end: 4.5 }, { start: 4 }], frame);
    expect(r).toEqual({
      ok: false,
      problems: [
        "params.clips[1].end: 4.5 s is past the end of clip 1 ('uploads/1.mp4'), 4.000 s long",
        "params.clips[2].start: 4 s is not inside clip 2 ('uploads/2.mp4'), 4.000 s long",
      ],
    });
  });

  it('takes an end a rounding past the duration as the end, refuses more times than clips', () => {
    const ok = planCompile([clip(0, 3.9999)], [{ start: 3, end: 4 }], frame);
    expect(ok.ok && ok.plan.clips[0]!.frames).toBe(30);
    expect(planCompile([clip(0, 3)], [{ start: 0 }, { start: 1 }], frame)).toEqual({ ok: false, problems: ['params.clips has 2 entries for 1 input clip'] });
  });
});
