import { canonicalJson } from '../chunks/part-identity';
import { isScanInput, scanJobId } from './scan-job-id';

describe('scan job ids', () => {
  const params = { model: 'pp-ocr-det', sampleInterval: 1, chunkFrames: 900, checkpointFrames: 64 };

  it('are stable for the same pipeline, params (in any key order), key and ETag', () => {
    const reordered = { checkpointFrames: 64, chunkFrames: 900, sampleInterval: 1, model: 'pp-ocr-det' };
    expect(scanJobId('video-detect', params, 'in/a.mp4', 'e1')).toBe(scanJobId('video-detect', reordered, 'in/a.mp4', 'e1'));
    expect(scanJobId('video-detect', params, 'in/a.mp4', 'e1')).toMatch(/^video-detect-scan-[0-9a-f]{32}$/);
  });

  it.each([
    ['another key', 'in/b.mp4', 'e1', params],
    ['new content (ETag)', 'in/a.mp4', 'e2', params],
    ['other params', 'in/a.mp4', 'e1', { ...params, sampleInterval: 2 }],
  ])('change with %s', (_, key, etag, p) => {
    expect(scanJobId('video-detect', p, key, etag)).not.toBe(scanJobId('video-detect', params, 'in/a.mp4', 'e1'));
  });

  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it.each([
    ['in/a.mp4', true],
    ['in/A.MOV', true],
    ['in/clip.webm', true],
    ['in/notes.txt', false],
    ['in/frame.png', false],
    ['in/folder/', false],
  ])('%s is a video scan input: %s', (key, ok) => {
    expect(isScanInput(key, ['video'])).toBe(ok);
  });

  it('takes the input kinds of the pipeline: audio and video for speech-detect, images for an image pipeline', () => {
    expect(isScanInput('in/talk.WAV', ['audio', 'video'])).toBe(true);
    expect(isScanInput('in/talk.mp4', ['audio', 'video'])).toBe(true);
    expect(isScanInput('in/talk.wav', ['video'])).toBe(false);
    expect(isScanInput('in/frame.png', ['image'])).toBe(true);
  });
});
