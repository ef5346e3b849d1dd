import { isUploadKey, planParts, safeFilename, uploadKey } from './upload-plan';

const MiB = 1024 * 1024;

describe('upload plan', () => {
  it.each([
    ['clip.mp4', 'clip.mp4'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\videos\\my clip (1).MOV', 'my_clip_1_.MOV'],
    ['.hidden.mp4', 'hidden.mp4'],
    ['ünïcødé.mkv', 'n_c_d_.mkv'],
    [`-${'x'.repeat(200)}`, 'x'.repeat(120)],
    ['', 'upload'],
    ['..', 'upload'],
  ])('makes %j a safe file name: %j', (name, safe) => {
    expect(safeFilename(name)).toBe(safe);
  });

  it('keeps long names to their last 120 characters (the extension survives)', () => {
    const name = safeFilename(`${'a'.repeat(300)}.mp4`);
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name.endsWith('.mp4')).toBe(true);
  });

  it('hands out keys that isUploadKey recognises, and nothing else', () => {
    const key = uploadKey('0b7c4c1e-5d4a-4b8e-9f2e-1a2b3c4d5e6f', 'a b.mp4');
    expect(key).toBe('uploads/0b7c4c1e-5d4a-4b8e-9f2e-1a2b3c4d5e6f/a_b.mp4');
    expect(isUploadKey(key)).toBe(true);
    expect(isUploadKey('inputs/x.mp4')).toBe(false);
    expect(isUploadKey('uploads/0b7c4c1e-5d4a-4b8e-9f2e-1a2b3c4d5e6f/../x.mp4')).toBe(false);
    expect(isUploadKey('uploads/not-a-uuid/x.mp4')).toBe(false);
  });

  it.each([
    [10 * MiB, 16 * MiB, { partSize: 10 * MiB, partCount: 1, multipart: false }],
    [16 * MiB, 16 * MiB, { partSize: 16 * MiB, partCount: 1, multipart: false }],
    [16 * MiB + 1, 16 * MiB, { partSize: 16 * MiB, partCount: 2, multipart: true }],
    [12 * MiB, 1 * MiB, { partSize: 5 * MiB, partCount: 3, multipart: true }],
    [0, 16 * MiB, { partSize: 1, partCount: 1, multipart: false }],
  ])('splits %d bytes with parts of %d', (size, part, plan) => {
    expect(planParts(size, part)).toEqual(plan);
  });

  it('grows parts so a huge file fits in 10,000 of them', () => {
    const size = 500 * 1024 * MiB; // 500 GiB
    const plan = planParts(size, 16 * MiB);
    expect(plan.partCount).toBeLessThanOrEqual(10_000);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(size);
  });
});
