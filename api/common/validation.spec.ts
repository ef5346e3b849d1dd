import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateJobDto, VideoDetectParamsDto } from '../jobs/dto/create-job.dto';
import { validationMessages } from './validation';

const messages = (body: object): string[] =>
  validationMessages(validateSync(plainToInstance(CreateJobDto, body), { whitelist: true, forbidNonWhitelisted: true }));

describe('validationMessages: each field named once, by its full path', () => {
  it.each([
    [{ pipeline: 'video-detect', input: { key: '/abs.mp4' } }, 'input.key must be relative: no leading "/"'],
    [{ pipeline: 'video-detect', input: { key: 'a/../b.mp4' } }, 'input.key must not have "." or ".." segments'],
    [{ pipeline: 'video-detect', input: { key: 'a\u0001b.mp4' } }, 'input.key must not contain control characters'],
    [{ pipeline: 'video-detect', input: { key: 'k', extra: 1 } }, 'property input.extra should not exist'],
    [{ pipeline: 'video-detect', input: { key: 'k' }, webhook: { url: 'https://h', events: ['nope'] } }, 'webhook.events must be some of'],
    [{ pipeline: 'video-detect', input: { key: 'k' }, webhook: { url: 7 } }, 'webhook.url must be a string'],
    [{ pipeline: 'video-detect', input: { key: 'k' }, priority: 9 }, 'priority must not be greater than 5'],
  ])('%j → %s', (body, expected) => {
    const got = messages(body);
    expect(got.some((m) => m.startsWith(expected))).toBe(true);
    expect(got.join(' ')).not.toMatch(/(\w+)\.\1\.|webhook\.webhook|input\.input|\.property /);
  });

  it('accepts unicode keys of your own objects', () => {
    expect(messages({ pipeline: 'video-detect', input: { key: 'inputs/vidéo été/日本語 — clip.mp4' } })).toEqual([]);
  });
});

describe('params messages', () => {
  it('name an unknown param once: property params.x should not exist', () => {
    const errors = validateSync(plainToInstance(VideoDetectParamsDto, { x: 1, sampleInterval: 0 }), { whitelist: true, forbidNonWhitelisted: true });
    expect(validationMessages(errors, 'params')).toEqual(
      expect.arrayContaining(['property params.x should not exist', 'params.sampleInterval must not be less than 1']),
    );
  });
});
