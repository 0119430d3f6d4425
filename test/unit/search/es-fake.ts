import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; for NDJSON (bulk) the array of lines. */
  body: unknown;
}

export interface EsReply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Doc = Record<string, unknown>;

/** Items of a bulk response in Elasticsearch's format; `status(id)` chooses each item's outcome. */
export function bulkReply(lines: unknown[], status: (id: string) => number = () => 201): EsReply {
  const items: unknown[] = [];
  let errors = false;
  for (let i = 0; i < lines.length; i += 2) {
    const action = (lines[i] as { index: { _index: string; _id: string } }).index;
    const s = status(action._id);
    if (s >= 300) errors = true;
    items.push({
      index:
        s < 300
          ? {
              _index: action._index,
              _id: action._id,
              _version: 1,
              result: 'created',
              _shards: { total: 1, successful: 1, failed: 0 },
              _seq_no: i / 2,
              _primary_term: 1,
              status: s,
            }
          : {
              _index: action._index,
              _id: action._id,
              status: s,
              error:
                s === 429
                  ? { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation [shard_detail=…]' }
                  : { type: 'document_parsing_exception', reason: '[1:2] failed to parse' },
            },
    });
  }
  return { body: { errors, took: 3, items } };
}

/** An error response in Elasticsearch's format. */
export function errorReply(status: number, type: string, reason: string): EsReply {
  return { status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } };
}

export function searchReply(hits: Array<{ _index?: string; _id: string; _source?: Doc; highlight?: Doc; sort?: unknown[] }>, aggregations?: Doc): EsReply {
  return {
    body: {
      took: 2,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { max_score: null, hits: hits.map((h) => ({ _index: 'radar-mentions-2026.11', _score: null, ...h })) },
      ...(aggregations ? { aggregations } : {}),
    },
  };
}

function defaultReply(req: EsRequest): EsReply {
  if (req.path.startsWith('/_index_template/') || req.method === 'DELETE') return { body: { acknowledged: true } };
  if (req.path === '/_bulk') return bulkReply(req.body as unknown[]);
  if (req.path.endsWith('/_search')) return searchReply([]);
  if (req.path.endsWith('/_refresh')) return { body: { _shards: { total: 1, successful: 1, failed: 0 } } };
  return { body: {} };
}

/**
 * An HTTP server on 127.0.0.1 that answers like Elasticsearch 9 (product header, JSON bodies) and
 * records every request the client sends. `reply` decides the answers (default: success).
 */
export class FakeElasticsearch {
  readonly requests: EsRequest[] = [];
  reply: (req: EsRequest) => EsReply = defaultReply;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeElasticsearch> {
    let self: FakeElasticsearch | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const ndjson = /ndjson/.test(req.headers['content-type'] ?? '');
        const body =
          text === ''
            ? undefined
            : ndjson
              ? text
                  .trim()
                  .split('\n')
                  .map((l) => JSON.parse(l) as unknown)
              : (JSON.parse(text) as unknown);
        const request: EsRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers, body };
        self?.requests.push(request);
        const reply = (self?.reply ?? defaultReply)(request);
        res.writeHead(reply.status ?? 200, {
          'content-type': 'application/vnd.elasticsearch+json;compatible-with=9',
          'x-elastic-product': 'Elasticsearch',
          ...reply.headers,
        });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FakeElasticsearch(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** Requests whose method and path match. */
  find(method: string, path: RegExp): EsRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
