import { UnprocessableEntityException } from '@nestjs/common';
import { checkSameRequest, requestHash } from './idempotency';

describe('requestHash', () => {
  it('is the same for the same request whatever the key order, and differs for any changed value', () => {
    const a = requestHash({ pipeline: 'video-detect', input: { key: 'in.mp4' }, params: { model: 'm', sampleInterval: 2 } });
    expect(requestHash({ params: { sampleInterval: 2, model: 'm' }, input: { key: 'in.mp4' }, pipeline: 'video-detect' })).toBe(a);
    expect(requestHash({ pipeline: 'video-detect', input: { key: 'in.mp4' }, params: { model: 'm', sampleInterval: 3 } })).not.toBe(a);
    expect(requestHash({ pipeline: 'video-detect', input: { key: 'other.mp4' }, params: { model: 'm', sampleInterval: 2 } })).not.toBe(a);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('leaves out absent fields, so an omitted optional field equals an undefined one', () => {
    expect(requestHash({ pipeline: 'p', webhook: undefined })).toBe(requestHash({ pipeline: 'p' }));
  });
});

describe('checkSameRequest', () => {
  it('accepts the same hash and a job that kept none, and refuses another with a message naming the key and job', () => {
    expect(() => checkSameRequest('k1', 'video-detect-k1', 'sha256:a', 'sha256:a')).not.toThrow();
    expect(() => checkSameRequest('k1', 'video-detect-k1', undefined, 'sha256:a')).not.toThrow();
    const refuse = () => checkSameRequest('k1', 'video-detect-k1', 'sha256:b', 'sha256:a');
    expect(refuse).toThrow(UnprocessableEntityException);
    expect(refuse).toThrow(/Idempotency-Key 'k1' was already used for a different request \(job 'video-detect-k1'\)/);
  });
});
