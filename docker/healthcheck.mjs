// Container health check without curl in the image: `node docker/healthcheck.mjs <url>`.
// http(s)://… must answer 2xx; redis://… must answer PING with +PONG (the worker and the scheduler are
// useless without their queue). Exits 0 when healthy, 1 otherwise, within 4 s.
import { connect } from 'node:net';

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node docker/healthcheck.mjs <http(s)://… | redis://…>\n');
  process.exit(2);
}
const url = new URL(target);
const fail = (why) => {
  process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(1);
};
setTimeout(() => fail('timeout'), 4000).unref();

if (url.protocol === 'redis:') {
  const socket = connect(Number(url.port || 6379), url.hostname);
  socket.setEncoding('utf8');
  socket.on('error', (err) => fail(err.code ?? 'redis connection error'));
  socket.on('connect', () => {
    // AUTH first when the URL carries a password (never printed).
    if (url.password) socket.write(`AUTH ${decodeURIComponent(url.password)}\r\n`);
    socket.write('PING\r\n');
  });
  let seen = '';
  socket.on('data', (chunk) => {
    seen += chunk;
    if (seen.includes('+PONG')) process.exit(0);
    if (seen.includes('-')) fail('redis refused PING');
  });
} else {
  fetch(url)
    .then((res) => (res.ok ? process.exit(0) : fail(`HTTP ${res.status}`)))
    .catch((err) => fail(err.cause?.code ?? 'request failed'));
}
