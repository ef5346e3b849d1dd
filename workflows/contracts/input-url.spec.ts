import { redactUrl } from './input-url';

describe('redactUrl', () => {
  it.each([
    ['https://bucket.s3.amazonaws.com/in/match.mp4?X-Amz-Signature=abc&X-Amz-Credential=k', 'https://bucket.s3.amazonaws.com/in/match.mp4'],
    ['https://user:pass@videos.example.com:8443/a/b.mp4#t=10', 'https://videos.example.com:8443/a/b.mp4'],
    ['HTTP://Example.com?sig=1', 'http://Example.com'],
    ['https://videos.example.com/a.mp4', 'https://videos.example.com/a.mp4'],
    ['http://127.0.0.1:9000/moved?token=s3cr3t', 'http://127.0.0.1:9000/moved'],
    ['https://[::1]:443/x?y', 'https://[::1]:443/x'],
    ['not a url ?secret', '(url)'],
  ])('%s -> %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
