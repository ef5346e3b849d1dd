import { pipelinesHelp, typedParams } from './pipeline-params';

describe('typedParams: --param pairs typed by the pipeline schema', () => {
  it('numbers for number fields, text for the rest', () => {
    expect(typedParams('video-detect', ['sampleInterval=5', 'model=pp-ocr-det', 'confidence=0.4'])).toEqual({
      sampleInterval: 5,
      model: 'pp-ocr-det',
      confidence: 0.4,
    });
    // A model named like a number is still a name.
    expect(typedParams('video-detect', ['model=2024'])).toEqual({ model: '2024' });
  });

  it.each([
    ['video-detect', ['oops'], "--param takes key=value, got 'oops'"],
    ['video-detect', ['minSpeechMs=5'], "--param minSpeechMs: video-detect has no param 'minSpeechMs' (its params: model, sampleInterval,"],
    ['video-detect', ['sampleInterval=2.5'], "--param sampleInterval takes a whole number, got '2.5'"],
    ['speech-detect', ['threshold=high'], "--param threshold takes a number, got 'high'"],
    ['video-compile', ['clips=[{start:1}]'], "--param clips takes JSON (a list, [...]), got '[{start:1}]'"],
  ])('%s %j → %s', (pipeline, pairs, message) => {
    expect(() => typedParams(pipeline, pairs)).toThrow(message);
  });

  it('parses list params as JSON', () => {
    expect(typedParams('video-compile', ['clips=[{"start":1,"end":4},{}]', 'intro=uploads/intro.mp4', 'fps=25'])).toEqual({
      clips: [{ start: 1, end: 4 }, {}],
      intro: 'uploads/intro.mp4',
      fps: 25,
    });
  });

  it('leaves an unknown pipeline to the API, guessing numbers', () => {
    expect(typedParams('nope', ['a=1', 'b=x'])).toEqual({ a: 1, b: 'x' });
  });
});

describe('pipelinesHelp', () => {
  it('lists every registered pipeline with each param, its bounds and default', () => {
    const help = pipelinesHelp();
    expect(help).toMatch(/^ {2}video-detect — /m);
    expect(help).toMatch(/^ {2}speech-detect — /m);
    expect(help).toMatch(/^ {6}sampleInterval +integer 1\.\.10000 +process every Nth frame.*\(default 1\)$/m);
    expect(help).toMatch(/^ {6}checkpointSeconds +integer 1\.\.3600 +.*\(default 60\)$/m);
  });
});
