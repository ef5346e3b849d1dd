import { z } from 'zod/v4';
import { parseParams } from './pipeline-params';
import { PIPELINES } from './pipelines';
import { SPEECH_DETECT_DEFAULTS } from './speech-detect';
import { VIDEO_DETECT_DEFAULTS } from './video-detect';

describe('parseParams', () => {
  const video = PIPELINES['video-detect'];
  const speech = PIPELINES['speech-detect'];

  it('fills in defaults from the schema', () => {
    expect(parseParams(video, {})).toEqual({ params: VIDEO_DETECT_DEFAULTS, problems: [] });
    expect(parseParams(video, undefined).params).toEqual(VIDEO_DETECT_DEFAULTS);
    expect(parseParams(speech, { threshold: 0.6 }).params).toEqual({ ...SPEECH_DETECT_DEFAULTS, threshold: 0.6 });
    expect(VIDEO_DETECT_DEFAULTS).toEqual({ model: 'pp-ocr-det', sampleInterval: 1, chunkFrames: 900, checkpointFrames: 64 });
  });

  it.each([
    [{ x: 1, y: 2 }, ['property params.x should not exist', 'property params.y should not exist']],
    [{ sampleInterval: 0 }, ['params.sampleInterval must not be less than 1']],
    [{ sampleInterval: 1.5 }, ['params.sampleInterval must be an integer number']],
    [{ chunkFrames: 2_000_000 }, ['params.chunkFrames must not be greater than 1000000']],
    [{ confidence: 'high' }, ['params.confidence must be a number']],
    [{ model: '' }, ['params.model must be at least 1 characters']],
  ])('video-detect %j → %j', (raw, problems) => {
    expect(parseParams(video, raw).problems).toEqual(problems);
  });

  it('a cross-field rule names its field', () => {
    expect(parseParams(speech, { chunkSeconds: 10, checkpointSeconds: 30 }).problems).toEqual([
      'params.checkpointSeconds must not exceed chunkSeconds (10), got 30',
    ]);
  });

  it('params that are not an object', () => {
    expect(parseParams(video, [1]).problems).toEqual(['params must be a JSON object']);
  });
});

describe('every registered pipeline', () => {
  it.each(Object.values(PIPELINES))('$name: every param has a description and a default or is optional; the schema is JSON Schema', (definition) => {
    const schema = z.toJSONSchema(definition.params, { io: 'input' }) as { properties: Record<string, { description?: string }>; required?: string[] };
    expect(schema.required ?? []).toEqual([]);
    for (const [name, property] of Object.entries(schema.properties))
      expect({ name, described: Boolean(property.description) }).toEqual({ name, described: true });
  });
});
