import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateJobDto } from '../jobs/dto/create-job.dto';
import { isDateTime, validationMessages } from './validation';

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

describe('isDateTime: RFC 3339, as OpenAPI date-time', () => {
  it.each(['2026-11-23T09:00:00Z', '0057-07-26T16:19:41+20:34', '2024-02-29T23:59:59.123456789-05:00', '2026-01-01t00:00:00z', '0000-01-01T00:00:00Z'])(
    '%s is one',
    (value) => expect(isDateTime(value)).toBe(true),
  );
  it.each([
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-23',
    '2026-W47',
    '2026-11-23T09:00Z',
    '2026-11-23T24:00:00Z',
    '2016-12-31T23:59:60Z',
    '',
    7,
  ])('%s is not', (value) => expect(isDateTime(value)).toBe(false));
});
