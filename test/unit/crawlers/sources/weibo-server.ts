import { startWeiboServer, type WeiboFixtureServer } from '../../../../app/demo/servers/weibo.js';
import { NOW } from './helpers.js';

/**
 * One Weibo fixture server for the enclosing describe block (call it there): started before the
 * tests, closed after them, its failure mode and request log cleared before each test, then `each`
 * sets up that test's data.
 */
export function useWeiboServer(each: (server: WeiboFixtureServer) => void): void {
  let server: WeiboFixtureServer;
  before(async () => {
    server = await startWeiboServer({ now: () => new Date(NOW) });
  });
  after(() => server.close());
  beforeEach(() => {
    server.setFailure(null);
    server.requests.length = 0;
    each(server);
  });
}
