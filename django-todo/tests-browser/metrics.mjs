// /metrics while gunicorn runs several workers: counters cover every request, whichever worker
// answers. Each request opens its own connection, so the workers share them out.
import { get } from 'node:http';
import { assert, check } from './harness.mjs';

const fetchFresh = (url) =>
  new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });

const okGets = (body) => Number(/^todo_http_requests_total\{method="GET",status="200"\} (\S+)$/m.exec(body)?.[1] ?? NaN);

export async function run(baseUrl) {
  const url = (path) => new URL(path, baseUrl).href;
  await check('metrics add up across gunicorn workers: every scrape counts every request', async () => {
    const counts = [];
    for (let round = 0; round < 5; round += 1) {
      const scrape = await fetchFresh(url('metrics'));
      assert(scrape.status === 200, `status ${scrape.status}`);
      counts.push(okGets(scrape.body));
      for (let i = 0; i < 10; i += 1) assert((await fetchFresh(url('healthz'))).status === 200, 'healthz');
    }
    // Between two scrapes: the 10 probes and the earlier scrape itself (counted once answered).
    const steps = counts.slice(1).map((c, i) => c - counts[i]);
    assert(steps.every((s) => s === 11), `GET 200 counts ${counts.join(', ')}`);
  });
}
