import { letterbox, unletterbox } from './letterbox';

describe('letterbox', () => {
  it.each([
    // 16:9 into a square: full width, centred vertically
    [1920, 1080, 640, 640, { scaledWidth: 640, scaledHeight: 360, padX: 0, padY: 140 }],
    // portrait into a square: full height, centred horizontally
    [720, 1280, 640, 640, { scaledWidth: 360, scaledHeight: 640, padX: 140, padY: 0 }],
    // exact fit
    [640, 640, 640, 640, { scaledWidth: 640, scaledHeight: 640, padX: 0, padY: 0 }],
    // odd sizes round to even
    [641, 479, 320, 320, { scaledWidth: 320, scaledHeight: 240, padX: 0, padY: 40 }],
  ])('%ix%i -> %ix%i', (sw, sh, dw, dh, expected) => {
    expect(letterbox(sw, sh, dw, dh)).toMatchObject(expected);
  });

  it('inverts to source pixels and clips to the frame', () => {
    const lb = letterbox(1920, 1080, 640, 640);
    expect(unletterbox(lb, [0, 140, 640, 500])).toEqual([0, 0, 1920, 1080]);
    expect(unletterbox(lb, [100, 240, 200, 290])).toEqual([300, 300, 600, 450]);
    expect(unletterbox(lb, [-5, 0, 700, 640])).toEqual([0, 0, 1920, 1080]);
  });
});
