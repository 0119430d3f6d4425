/**
 * Development aid: serves web/dist with canned API JSON and a live SSE stream, for working on the
 * dashboard layout without the full service. `npx tsx test/e2e/helpers/canned-api.ts` then open the
 * printed link. The e2e test itself runs against the real API (see dashboard.test.ts).
 */
import { join } from 'node:path';
import express from 'express';

const HOUR = 3_600_000;
const now = Date.now();
const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

const cases = [
  {
    id: 'c_1',
    eventId: 'e_1',
    tier: 'L1',
    owner: 'customer_service',
    state: 'open',
    institution: 'example_bank',
    institutionName: '示例银行',
    title: '示例银行深圳分行网点服务态度差',
    topics: ['service_attitude'],
    openedAt: at(-20 * 60_000),
    ackDueAt: at(10 * 60_000),
    deadlineAt: at(100 * 60_000),
    mentionCount: 1,
    distinctAuthors: 1,
    mediaCount: 0,
    history: [{ at: at(-20 * 60_000), type: 'opened', tier: 'L1', actor: 'system', reason: 'rule l1_single_complaint: 1 negative post' }],
    responses: [],
  },
  {
    id: 'c_2',
    eventId: 'e_2',
    tier: 'L2',
    owner: 'pr',
    state: 'acknowledged',
    institution: 'example_bank',
    institutionName: '示例银行',
    title: '示例银行信用卡被无故降额',
    topics: ['credit_limit_cut'],
    openedAt: at(-5 * HOUR),
    ackDueAt: at(-4.5 * HOUR),
    acknowledgedAt: at(-4.6 * HOUR),
    deadlineAt: at(-10 * 60_000),
    mentionCount: 23,
    distinctAuthors: 14,
    mediaCount: 0,
    history: [],
    responses: [],
  },
  {
    id: 'c_3',
    eventId: 'e_3',
    tier: 'L3',
    owner: 'executive',
    state: 'open',
    institution: 'example_bank',
    institutionName: '示例银行',
    title: '媒体报道：示例银行理财产品亏损 投资者集体维权',
    topics: ['wealth_loss'],
    openedAt: at(-HOUR),
    ackDueAt: at(5 * 60_000),
    deadlineAt: at(HOUR),
    mentionCount: 58,
    distinctAuthors: 31,
    mediaCount: 3,
    history: [],
    responses: [],
  },
];

const app = express();
app.use(express.json());
app.get('/api/v1/alerts', (_req, res) => {
  res.json({ items: cases });
});
app.get('/api/v1/alerts/:id', (req, res) => {
  res.json(cases.find((c) => c.id === req.params.id));
});
app.post('/api/v1/alerts/:id/ack', (req, res) => {
  const c = cases.find((x) => x.id === req.params.id)!;
  c.state = 'acknowledged';
  c.history.push({ at: new Date().toISOString(), type: 'acknowledged', tier: c.tier, actor: 'pr-desk', reason: '' });
  for (const client of clients) client.write(`data: ${JSON.stringify({ type: 'case.changed', case: c, change: 'acknowledged' })}\n\n`);
  res.json(c);
});
app.get('/api/v1/events/:id', (_req, res) => {
  res.json({
    id: 'e_1',
    title: 'x',
    institution: 'example_bank',
    mentions: [
      {
        id: 'weibo:5012345678901234',
        source: 'weibo',
        sourceType: 'social',
        url: 'https://weibo.com/1234567890/N1a2b3c4d',
        text: '示例银行深圳分行柜员态度恶劣，排队两小时还被骂，手机138****5678 <script>alert(1)</script> 太差劲了！😡',
        negativePhrases: ['态度恶劣', '太差劲'],
        author: { name: '深圳打工人小王', isMedia: false },
        publishedAt: at(-25 * 60_000),
        sentiment: { label: 'negative', score: 0.94 },
      },
      {
        id: 'rss:people-finance:abc',
        source: 'rss:people-finance',
        sourceType: 'news',
        url: 'https://finance.people.com.cn/n1/2025/1122/c1004-0001.html',
        title: '多名投资者反映示例银行理财产品亏损',
        text: '近日，多名投资者向记者反映，其在示例银行购买的理财产品出现亏损……',
        negativePhrases: ['亏损'],
        author: { name: '人民网财经', isMedia: true },
        publishedAt: at(-50 * 60_000),
        sentiment: { label: 'negative', score: 0.81 },
      },
    ],
  });
});
app.get('/api/v1/sources', (_req, res) => {
  res.json({
    items: [
      { source: 'weibo', status: 'ok', lastSuccessAt: at(-60_000), consecutiveFailures: 0, itemsFetched: 1234, itemsMalformed: 2, running: false },
      {
        source: 'heimao',
        status: 'blocked',
        lastSuccessAt: at(-HOUR),
        lastErrorAt: at(-60_000),
        lastError: 'HTTP 403 captcha page',
        consecutiveFailures: 4,
        blockedUntil: at(HOUR),
        itemsFetched: 88,
        itemsMalformed: 0,
        running: false,
      },
    ],
  });
});
const days = [...Array(7)].map((_, i) => new Date(now - (6 - i) * 24 * HOUR).toISOString().slice(0, 10));
app.get('/api/v1/reports/sentiment', (req, res) => {
  const groups = req.query.groupBy === 'topic' ? ['service_attitude', 'wealth_loss'] : ['weibo', 'heimao', 'rss:people-finance'];
  const points = days.flatMap((d, i) =>
    groups.map((g, j) => {
      const negative = 5 + ((i * 7 + j * 3) % 11);
      const neutral = 10 + ((i + j) % 5);
      const positive = 3 + ((i * j) % 4);
      const total = negative + neutral + positive;
      return { bucket: `${d}T00:00:00.000Z`, group: g, negative, neutral, positive, total, netSentiment: (positive - negative) / total };
    }),
  );
  res.json({ points });
});
app.get('/api/v1/reports/share-of-voice', (_req, res) => {
  res.json({
    items: [
      { institution: 'example_bank', name: '示例银行', ourBank: true, mentions: 320, negative: 120, positive: 40, neutral: 160 },
      { institution: 'icbc', name: '工商银行', ourBank: false, mentions: 510, negative: 90, positive: 100, neutral: 320 },
      { institution: 'cmb', name: '招商银行', ourBank: false, mentions: 280, negative: 60, positive: 90, neutral: 130 },
    ],
  });
});
app.get('/api/v1/reports/digest', (req, res) => {
  res.json({
    date: req.query.date,
    newCasesByTier: { L1: 5, L2: 2, L3: 1 },
    breaches: 1,
    topEvents: [
      { caseId: 'c_3', title: '媒体报道：示例银行理财产品亏损', tier: 'L3', institutionName: '示例银行', mentionCount: 58, distinctComplainants: 31 },
    ],
    netSentiment: -0.32,
    netSentiment7dAvg: -0.12,
  });
});
const clients = new Set<express.Response>();
app.get('/api/v1/stream', (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  res.write(': hello\n\n');
  clients.add(res);
  req.on('close', () => clients.delete(res));
});
app.use(express.static(join(import.meta.dirname, '../../../web/dist')));

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  console.log(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/?key=dev#/`);
});
