import { z } from 'zod';
import { CASE_ROLES, READ_ROLES, roleAllowed } from '../auth.js';
import type { ApiContext } from '../context.js';
import { caseSummaryDto } from '../dto.js';
import type { RouteRegistry } from '../route.js';
import { streamEvents } from '../sse.js';

export function registerStreamRoutes(registry: RouteRegistry, ctx: ApiContext): void {
  registry.add({
    method: 'get',
    path: '/api/v1/stream',
    tag: 'stream',
    summary: 'Live updates as Server-Sent Events',
    description:
      'Events: `case.changed` ({change, case}) and `source.health` ({health}) for case-handling roles (not consumer keys), `mention.stored` ({count}) for every role; the data is the bus message without its type. A comment heartbeat every 15 s. When the key is revoked the stream sends `event: revoked` and ends (within seconds). EventSource clients pass the key as `?access_token=`.',
    access: READ_ROLES,
    queryToken: true,
    query: z.object({ access_token: z.string().optional() }),
    produces: ['text/event-stream'],
    handler: ({ req, res, principal }) => {
      const seesCases = roleAllowed(principal!.role, CASE_ROLES);
      const stream = streamEvents(req, res, {
        bus: ctx.bus,
        heartbeatMs: ctx.sseHeartbeatMs ?? 15_000,
        // Revocations by another process (cluster) are seen by this re-check; this process's end it at once.
        stillValid: () => ctx.auth.stillValid(req, true),
        recheckMs: ctx.streamKeyCheckMs ?? 5_000,
        map: (m) => {
          switch (m.type) {
            case 'case.changed':
              return seesCases ? { event: m.type, data: { change: m.change, case: caseSummaryDto(ctx.dto, m.case) } } : undefined;
            case 'source.health':
              return seesCases ? { event: m.type, data: { health: m.health } } : undefined;
            case 'mention.stored':
              return { event: m.type, data: { count: m.count } };
            default:
              return undefined;
          }
        },
      });
      res.on(
        'close',
        ctx.auth.watch(principal!.keyId, () => stream.end()),
      );
      return undefined;
    },
  });
}
