import { canonicalJson, partIdentity } from './part-identity';

const source = {
  input: '"9b2cf535f27731c974343645a3985328"',
  model: { name: 'anvil-reference', digest: 'ab12' },
  params: { model: 'anvil-reference', sampleInterval: 1 },
};

describe('partIdentity', () => {
  it('is the same for the same input version, model file and params, whatever the key order', () => {
    const reordered = { params: { sampleInterval: 1, model: 'anvil-reference' }, model: { digest: 'ab12', name: 'anvil-reference' }, input: source.input };
    expect(partIdentity(reordered)).toBe(partIdentity(source));
    expect(partIdentity(source)).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ['a new version of the input', { ...source, input: '"0f1e"' }],
    ['another model file under the same name', { ...source, model: { name: 'anvil-reference', digest: 'cd34' } }],
    ['other params', { ...source, params: { ...source.params, confidence: 0.9 } }],
  ])('changes with %s', (_what, other) => {
    expect(partIdentity(other)).not.toBe(partIdentity(source));
  });

  it('writes nested keys in sorted order and keeps arrays as they are', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: null } })).toBe('{"a":{"c":null,"d":1},"b":[2,1]}');
  });
});
