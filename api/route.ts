import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import { ApiError } from '../lib/errors.js';
import { type BodyOptions, readJsonBody } from './body.js';
import type { CacheGroup, ResponseCache } from './cache.js';
import type { Access, Principal } from './types.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export type { Access } from './types.js';

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

/**
 * One route: path, method, access, request schemas and response schema. The same definition validates
 * requests (and responses, when enabled) and produces the OpenAPI operation, so the two cannot drift.
 */
export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> {
  method: HttpMethod;
  /** Express-style path, e.g. `/api/v1/alerts/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** JSON response schema for `status`. */
  response?: R;
  /** Success status (default 200; 204 sends no body). */
  status?: number;
  /** Other media types the route can produce (CSV, NDJSON, SSE, Prometheus text). */
  produces?: string[];
  description?: string;
  /** Also accept the key as `?access_token=` (EventSource cannot set headers). */
  queryToken?: boolean;
  /** Serve repeated identical requests from the response micro-cache (only for role-independent JSON). */
  cache?: CacheGroup;
  /**
   * Returns the JSON body (validated against `response` when response validation is on), or
   * `undefined` after writing the response itself (streams).
   */
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | undefined> | z.input<R> | undefined;
}

/** The type-erased form the registry stores. */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodType;
  response?: z.ZodType;
  status: number;
  produces: string[];
  description?: string;
  queryToken?: boolean;
  cache?: CacheGroup;
  handler: (ctx: RouteContext<unknown, unknown, unknown>) => unknown;
}

export interface ValidationDetail {
  path: string;
  message: string;
}

export function zodDetails(error: z.ZodError, prefix: string): ValidationDetail[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
}

export function invalidRequest(details: ValidationDetail[]): ApiError {
  const first = details[0];
  const message = first ? `invalid ${first.path}: ${first.message}` : 'invalid request';
  return new ApiError(400, 'invalid_request', message, details);
}

/** Collects route definitions; `mount` installs them on an Express router, `routes` feeds the OpenAPI document. */
export class RouteRegistry {
  private readonly defs: RouteDef[] = [];

  add<
    P extends AnyObject = z.ZodObject<Record<never, never>>,
    Q extends AnyObject = z.ZodObject<Record<never, never>>,
    B extends z.ZodType = z.ZodUnknown,
    R extends z.ZodType = z.ZodUnknown,
  >(spec: RouteSpec<P, Q, B, R>): void {
    if (this.defs.some((d) => d.method === spec.method && d.path === spec.path)) throw new Error(`duplicate route ${spec.method} ${spec.path}`);
    this.defs.push({ ...spec, status: spec.status ?? 200, produces: spec.produces ?? [] } as unknown as RouteDef);
  }

  get routes(): readonly RouteDef[] {
    return this.defs;
  }

  mount(
    router: Router,
    options: {
      authenticate: (req: Request, def: RouteDef) => Promise<Principal | undefined>;
      validateResponses: boolean;
      cache?: ResponseCache;
      body?: BodyOptions;
    },
  ): void {
    for (const def of this.defs) {
      router[def.method](def.path, async (req: Request, res: Response, next: NextFunction) => {
        res.locals.route = def.path;
        // Authenticate first: an anonymous or wrong-key caller never gets to send (or trickle) a body.
        const principal = await options.authenticate(req, def);
        const details: ValidationDetail[] = [];
        const params = parsePart(def.params, req.params, 'params', details);
        const query = parsePart(def.query, req.query, 'query', details);
        const body = parsePart(def.body, def.body ? await readJsonBody(req, options.body) : undefined, 'body', details);
        if (details.length > 0) throw invalidRequest(details);
        const cache = def.cache && options.cache?.enabled ? options.cache : undefined;
        if (cache) {
          const hit = cache.get(def.cache!, req.originalUrl);
          if (hit !== undefined) {
            res.status(def.status).type('application/json').send(hit);
            return;
          }
        }
        const result = await def.handler({ params, query, body, principal, req, res });
        if (res.headersSent || res.writableEnded) return;
        if (def.status === 204) {
          res.status(204).end();
          return;
        }
        if (result === undefined) return next(new Error(`route ${def.method} ${def.path} returned no body`));
        if (options.validateResponses && def.response) {
          const checked = def.response.safeParse(result);
          if (!checked.success)
            throw new Error(`response of ${def.method} ${def.path} does not match its schema: ${JSON.stringify(zodDetails(checked.error, 'response'))}`);
        }
        if (cache && res.statusCode === 200) {
          const body = JSON.stringify(result);
          cache.set(def.cache!, req.originalUrl, body);
          res.status(def.status).type('application/json').send(body);
          return;
        }
        res.status(def.status).json(result);
      });
    }
  }
}

/** C0 control characters (NUL and friends, not tab) have no meaning in a path or query value. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

function parsePart(schema: z.ZodType | undefined, value: unknown, part: string, details: ValidationDetail[]): unknown {
  if (part !== 'body' && value && typeof value === 'object') {
    const before = details.length;
    for (const [k, v] of Object.entries(value)) {
      if ((typeof v === 'string' && CONTROL.test(v)) || (Array.isArray(v) && v.some((x) => typeof x === 'string' && CONTROL.test(x)))) {
        details.push({ path: `${part}.${k}`, message: 'must not contain control characters' });
      }
    }
    if (details.length > before) return undefined;
  }
  if (!schema) return part === 'body' ? undefined : {};
  const input = part === 'body' && value === undefined ? {} : value;
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  details.push(...zodDetails(result.error, part));
  return undefined;
}
