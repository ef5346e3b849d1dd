import { fitImage, initGaussians, describeGaussians, Param, PARAMS_PER_GAUSSIAN } from './gaussians';
import { EDGE_WEIGHT, psnr, render, toRgb8 } from './render';

describe('render', () => {
  it('draws a Gaussian with its colour at its centre and nothing beyond 4 standard deviations', () => {
    const params = new Float64Array(PARAMS_PER_GAUSSIAN);
    params[Param.x] = 10.5 / 21; // the centre of pixel (10, 10) in a 21x21 image
    params[Param.y] = 10.5 / 21;
    params[Param.logScaleX] = Math.log(2);
    params[Param.logScaleY] = Math.log(1);
    params[Param.rotation] = Math.PI / 2; // the long axis along y
    params[Param.red] = 0.8;
    const out = render(params, 21, 21);
    const at = (x: number, y: number, c = 0): number => out[(y * 21 + x) * 3 + c]!;
    expect(at(10, 10)).toBeCloseTo(0.8 * (1 - EDGE_WEIGHT), 12);
    expect(at(10, 10, 1)).toBe(0);
    expect(at(10, 12)).toBeCloseTo(0.8 * (Math.exp(-0.5) - EDGE_WEIGHT), 12); // 2 px along the 2 px axis
    expect(at(12, 10)).toBeCloseTo(0.8 * (Math.exp(-2) - EDGE_WEIGHT), 12); // 2 px along the 1 px axis
    expect(at(10, 18)).toBe(0);
    expect(at(14, 10)).toBe(0);
  });

  it('clamps and rounds to 8 bits', () => {
    expect(Array.from(toRgb8(Float64Array.from([-0.2, 0, 0.5, 0.999, 1.7])))).toEqual([0, 0, 128, 255, 255]);
  });
});

describe('psnr', () => {
  it('is 20·log10(255/rmse) dB', () => {
    const a = new Uint8Array(100).fill(100);
    const b = new Uint8Array(100).fill(110);
    expect(psnr(a, b)).toBeCloseTo(20 * Math.log10(255 / 10), 12);
    expect(psnr(a, a)).toBe(Infinity);
    expect(() => psnr(a, new Uint8Array(3))).toThrow(/differ in size/);
  });
});

describe('initial Gaussians', () => {
  it('are placed by the seed alone and reported in pixels', () => {
    const image = fitImage(8, 4, new Uint8Array(8 * 4 * 3).fill(51));
    const a = initGaussians(image, 5, 42);
    expect(Array.from(a)).toEqual(Array.from(initGaussians(image, 5, 42)));
    expect(Array.from(a)).not.toEqual(Array.from(initGaussians(image, 5, 43)));
    for (const g of describeGaussians(a, image)) {
      expect(g.x).toBeGreaterThanOrEqual(0);
      expect(g.x).toBeLessThan(8);
      expect(g.y).toBeLessThan(4);
      expect(g.color).toEqual([0.2, 0.2, 0.2]);
    }
  });
});
