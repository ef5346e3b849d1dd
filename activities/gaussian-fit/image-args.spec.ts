import { decodeImageArgs, encodePngArgs, fitSize, IMAGE_FORMATS, probeImageArgs } from './image-args';

describe('fitSize', () => {
  it.each([
    [512, 512, 128, 128, 128],
    [640, 360, 128, 128, 72],
    [360, 640, 64, 36, 64],
    [100, 50, 128, 100, 50], // smaller than size: never scaled up
    [1000, 1, 128, 128, 1], // a sliver keeps one row
    [333, 200, 100, 100, 60],
  ])('%ix%i at most %i -> %ix%i', (w, h, size, ew, eh) => {
    expect(fitSize(w, h, size)).toEqual({ width: ew, height: eh });
  });
});

describe('ffmpeg arguments', () => {
  const url = 'https://s3.example/anvil/uploads/a.png?X-Amz-Signature=abc';

  it('reads images only, over http(s) with reconnects, from the given URL', () => {
    for (const args of [probeImageArgs(url), decodeImageArgs(url, 64, 48)]) {
      expect(args[args.indexOf('-format_whitelist') + 1]).toBe(IMAGE_FORMATS);
      expect(args[args.indexOf('-protocol_whitelist') + 1]).toBe('http,https,tcp,tls');
      expect(args).toContain('-reconnect');
    }
    expect(IMAGE_FORMATS.split(',')).not.toContain('image2');
    expect(probeImageArgs(url).at(-1)).toBe(url);
  });

  it('decodes one frame scaled to the fit size as raw RGB24', () => {
    const args = decodeImageArgs(url, 64, 48);
    expect(args.slice(args.indexOf('-i'))).toEqual([
      '-i', url, '-frames:v', '1', '-vf', 'scale=64:48:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ]); // prettier-ignore
  });

  it('encodes raw RGB24 of the fit size to one PNG', () => {
    const args = encodePngArgs(64, 48);
    expect(args.join(' ')).toContain('-f rawvideo -pix_fmt rgb24 -s 64x48 -i pipe:0');
    expect(args.slice(-5)).toEqual(['-c:v', 'png', '-f', 'image2pipe', 'pipe:1']);
  });
});
