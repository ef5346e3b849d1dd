import { disallowed, routeMethods } from './method-not-allowed';

const routes = routeMethods({
  paths: {
    '/v1/jobs': { get: {} as never, post: {} as never },
    '/v1/jobs/{id}': { get: {} as never },
    '/v1/uploads/complete': { post: {} as never },
    '/v1/uploads/{filename}': { put: {} as never },
  },
});

describe('disallowed: the Allow list of a 405', () => {
  it.each([
    ['TRACE', '/v1/jobs', ['GET', 'POST', 'HEAD']],
    ['DELETE', '/v1/jobs/abc', ['GET', 'HEAD']],
    ['GET', '/v1/uploads/complete', ['POST']],
    ['PUT', '/v1/uploads/complete', ['POST']],
  ])('%s %s → %j', (method, path, allow) => expect(disallowed(routes, method, path)?.sort()).toEqual([...allow].sort()));

  it.each([
    ['GET', '/v1/jobs'],
    ['HEAD', '/v1/jobs/abc'],
    ['PUT', '/v1/uploads/match.mp4'],
    ['TRACE', '/v1/nothing'],
    ['GET', '/v1/jobs/a/b/c'],
  ])('%s %s is no 405', (method, path) => expect(disallowed(routes, method, path)).toBeUndefined());
});
