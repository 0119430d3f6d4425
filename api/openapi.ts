import { z } from 'zod';
import type { RouteDef, RouteRegistry } from './route.js';
import { errorSchema } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/api/v1/alerts/:id` → `/api/v1/alerts/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(def: RouteDef): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', def.params],
    ['query', def.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...propSchema } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: propSchema,
        ...(description ? { description } : {}),
      });
    }
  }
  if (def.queryToken)
    out.push({ name: 'access_token', in: 'query', required: false, schema: { type: 'string' }, description: 'API key, for EventSource clients' });
  return out;
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });

function operation(def: RouteDef): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const content: Record<string, unknown> = {};
  if (def.response) content['application/json'] = { schema: toSchema(def.response, 'output') };
  for (const type of def.produces) content[type] = { schema: { type: 'string' } };
  responses[String(def.status)] = { description: def.status === 204 ? 'No content' : 'Success', ...(Object.keys(content).length > 0 ? { content } : {}) };
  if (def.params || def.query || def.body) responses['400'] = errorResponse('Invalid request (details name each bad field)');
  if (def.access !== 'public') {
    responses['401'] = errorResponse('Missing or invalid API key');
    responses['403'] = errorResponse('The key’s role may not call this endpoint');
    responses['429'] = errorResponse('Rate limit exceeded (see Retry-After)');
  }
  if (def.params) responses['404'] = errorResponse('Not found');
  const roles = def.access === 'public' ? 'public' : ['admin', ...def.access].join(', ');
  return {
    operationId: `${def.method}${openApiPath(def.path)
      .replace(/[{}]/g, '')
      .split(/[/-]/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('')}`,
    summary: def.summary,
    description: `${def.description ? `${def.description}\n\n` : ''}Roles: ${roles}.`,
    tags: [def.tag],
    ...(def.access === 'public' ? { security: [] } : {}),
    ...(parameters(def).length > 0 ? { parameters: parameters(def) } : {}),
    ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(def.body, 'input') } } } } : {}),
    responses,
    'x-roles': def.access === 'public' ? [] : ['admin', ...def.access],
  };
}

/** The OpenAPI 3.1 document for every route in the registry. */
export function buildOpenApi(registry: RouteRegistry, info: { title: string; version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of registry.routes) {
    const p = openApiPath(def.path);
    paths[p] ??= {};
    paths[p][def.method] = operation(def);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: '舆情雷达 API: mentions, events, tiered alert cases, sentiment reports.' },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    tags: [...new Set(registry.routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key created with `radar keys create`' } },
      schemas: { Error: toSchema(errorSchema, 'output') },
    },
  };
}

export const docsHtml = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>舆情雷达 API 文档</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/docs.css"></head>
<body><header><h1>舆情雷达 API</h1><p id="meta">正在加载 /openapi.json …</p></header><main id="ops"></main>
<script src="/docs/docs.js"></script></body></html>
`;

export const docsCss = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1d2129}
h1{margin:.2rem 0}h2{border-bottom:2px solid #e5e6eb;padding-bottom:.3rem;margin-top:2rem}
details{border:1px solid #e5e6eb;border-radius:6px;margin:.4rem 0;background:#fafbfc}summary{cursor:pointer;padding:.5rem;font-family:monospace}
.m{display:inline-block;width:4.5rem;font-weight:bold;text-transform:uppercase}.get{color:#165dff}.post{color:#00b42a}.put{color:#ff7d00}.delete{color:#f53f3f}
.body{padding:.5rem 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #e5e6eb;padding:.25rem .5rem;text-align:left;font-size:.9rem}
pre{background:#f2f3f5;padding:.5rem;overflow:auto;font-size:.8rem;max-height:24rem}.roles{color:#86909c;font-size:.85rem}`;

export const docsJs = `(function(){
  function el(tag, attrs, children){var e=document.createElement(tag);for(var k in attrs||{}){if(k==='text')e.textContent=attrs[k];else e.setAttribute(k,attrs[k]);}(children||[]).forEach(function(c){if(c)e.appendChild(c);});return e;}
  function pre(obj){return el('pre',{text:JSON.stringify(obj,null,2)});}
  fetch('/openapi.json').then(function(r){return r.json();}).then(function(doc){
    document.getElementById('meta').textContent=doc.info.title+' '+doc.info.version+' · OpenAPI '+doc.openapi+' · 认证: Authorization: Bearer <key>';
    var root=document.getElementById('ops');var byTag={};
    Object.keys(doc.paths).forEach(function(p){Object.keys(doc.paths[p]).forEach(function(m){var op=doc.paths[p][m];var t=(op.tags||['other'])[0];(byTag[t]=byTag[t]||[]).push({path:p,method:m,op:op});});});
    Object.keys(byTag).forEach(function(tag){
      root.appendChild(el('h2',{text:tag}));
      byTag[tag].forEach(function(o){
        var body=el('div',{class:'body'},[el('p',{text:o.op.description||''})]);
        if(o.op.parameters){var tb=el('table',{},[el('tr',{},[el('th',{text:'参数'}),el('th',{text:'位置'}),el('th',{text:'必填'}),el('th',{text:'类型'})])]);
          o.op.parameters.forEach(function(p){tb.appendChild(el('tr',{},[el('td',{text:p.name}),el('td',{text:p.in}),el('td',{text:p.required?'是':''}),el('td',{text:JSON.stringify(p.schema)})]));});body.appendChild(tb);}
        if(o.op.requestBody){body.appendChild(el('h4',{text:'请求体'}));body.appendChild(pre(o.op.requestBody.content['application/json'].schema));}
        Object.keys(o.op.responses).forEach(function(code){var r=o.op.responses[code];body.appendChild(el('h4',{text:code+' '+r.description}));
          if(r.content){Object.keys(r.content).forEach(function(ct){body.appendChild(el('div',{class:'roles',text:ct}));if(ct==='application/json')body.appendChild(pre(r.content[ct].schema));});}});
        root.appendChild(el('details',{},[el('summary',{},[el('span',{class:'m '+o.method,text:o.method}),document.createTextNode(o.path+'  '),el('span',{class:'roles',text:o.op.summary})]),body]));
      });
    });
  }).catch(function(e){document.getElementById('meta').textContent='加载失败: '+e;});
})();
`;
