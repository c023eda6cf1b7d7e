import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, methodNotAllowed, pathNotFound, serverError, tooManyRequests, unauthorized } from './api-error.ts';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, serverVersion } from './discovery.ts';
import type { Faults } from './faults.ts';
import { FieldSelector } from './field-selector.ts';
import type { JsonObject } from './json.ts';
import { parseLabelSelectorQuery } from './label-selector.ts';
import { contentTypeOf, prefersProtobuf, type WireFormat } from './media-types.ts';
import { ObjectSerializer, type EncodedBody } from './object-serializer.ts';
import { openApiV2Document, openApiV2MediaType } from './openapi-v2.ts';
import { openApiV3GroupVersion, openApiV3Index } from './openapi-v3.ts';
import type { RequestCounter } from './request-counter.ts';
import type { AccessLog } from './access-log.ts';
import { deleteOptions, parseObject, readBodyBytes } from './request-body.ts';
import type { ListOptions, RequestTarget, ResourceService, WriteOptions } from './resource-service.ts';
import { apiVersionOf } from './resource-type.ts';
import { toTable, type IncludeObject } from './table-printer.ts';
import { jsonFraming, protobufFraming, tableFraming } from './watch-framing.ts';
import type { WatchHub } from './watch-hub.ts';

/** A handler serving an aggregated API group/version; `path` is what follows /apis/{group}/{version}. */
export type AggregatedHandler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

export interface HttpHandlerDeps {
  service: ResourceService;
  watches: WatchHub;
  faults: Faults;
  counter: RequestCounter;
  /** Bearer token → user name; the server's own token is the user `admin`. */
  users: Map<string, string>;
  access: AccessLog;
  aggregatedHandlers: Map<string, AggregatedHandler>;
  serverAddress: () => string;
  now: () => Date;
}

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  sendBytes(res, code, Buffer.from(JSON.stringify(body)), contentType);
}

// One encode per response: the length header and the body come from the same bytes.
function sendBytes(res: ServerResponse, code: number, bytes: Buffer, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache, private' });
  res.end(bytes);
}

function sendBody(res: ServerResponse, code: number, body: EncodedBody): void {
  sendBytes(res, code, body.bytes, body.contentType);
}

/** A failure as a metav1.Status, in protobuf when the client prefers it (kubectl's typed clients do). */
function sendError(res: ServerResponse, err: ApiError, serializer: ObjectSerializer, accept: string | undefined): void {
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  const format: WireFormat = prefersProtobuf(accept) ? 'protobuf' : 'json';
  sendBody(res, err.code, serializer.object(err.toStatus() as unknown as JsonObject, format));
}

/** The apidiscovery version asked for in Accept, if the client asks for aggregated discovery at all. */
function aggregatedDiscoveryVersion(accept: string): string | undefined {
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    const v = /v=(v2(?:beta1)?)\b/.exec(part)?.[1];
    if (v) return v;
  }
  return undefined;
}

function wantsTable(accept: string): boolean {
  return accept.split(',').some((p) => p.includes('as=Table') && p.includes('g=meta.k8s.io'));
}

/**
 * Routes one HTTP request: authentication, injected faults, discovery, aggregated APIs and the
 * resource endpoints (/api/v1/..., /apis/{g}/{v}/..., namespaced or not, with subresources).
 */
export function createHttpHandler(deps: HttpHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const serializer = new ObjectSerializer((type, obj) => deps.service.present(type, obj));
  return (req, res) => {
    handle(deps, serializer, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const apiError = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
      sendError(res, apiError, serializer, req.headers.accept);
    });
  };
}

async function handle(deps: HttpHandlerDeps, serializer: ObjectSerializer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const user = deps.users.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (user === undefined) throw unauthorized();
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  if (path === '/debug/requests') {
    send(res, 200, deps.counter.snapshot());
    return;
  }
  const failure = deps.faults.takeFailure();
  if (failure) throw failure.code === 429 ? tooManyRequests(failure.retryAfterSeconds ?? 1) : serverError(failure.code, failure.retryAfterSeconds);
  if (deps.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, deps.faults.latencyMs));

  const registry = deps.service.registry;
  const accept = req.headers.accept ?? '';
  const segs = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const method = req.method ?? 'GET';

  if (path === '/version') return discovery(deps, res, serverVersion);
  if (path === '/api' || path === '/apis') {
    const v = aggregatedDiscoveryVersion(accept);
    if (v) {
      deps.counter.count('get discovery');
      send(res, 200, aggregatedDiscovery(registry, path === '/api', `apidiscovery.k8s.io/${v}`), `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
      return;
    }
    return discovery(deps, res, path === '/api' ? apiVersions(deps.serverAddress()) : apiGroupList(registry));
  }
  if (segs[0] === 'openapi') {
    deps.counter.count('get openapi');
    if (segs[1] === 'v2' && segs.length === 2) return sendBytes(res, 200, openApiV2Document(), openApiV2MediaType);
    if (segs[1] !== 'v3') throw pathNotFound();
    if (segs.length === 2) return send(res, 200, openApiV3Index(registry));
    const isCore = segs[2] === 'api';
    const doc = openApiV3GroupVersion(registry, isCore ? '' : segs[3], isCore ? segs[3] : segs[4]);
    if (!doc) throw pathNotFound();
    return send(res, 200, doc);
  }

  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 2) {
    group = segs[1];
    if (segs.length === 2) {
      const g = apiGroup(registry, group);
      if (!g) throw pathNotFound();
      return discovery(deps, res, g);
    }
    version = segs[2];
    rest = segs.slice(3);
  } else {
    throw pathNotFound();
  }
  if (rest.length === 0) {
    const list = apiResourceList(registry, group, version);
    if (!list) throw pathNotFound();
    return discovery(deps, res, list);
  }
  const aggregated = deps.aggregatedHandlers.get(`${group}/${version}`);
  if (aggregated) {
    const resource = rest[0] === 'namespaces' && rest.length > 2 ? rest[2] : rest[0];
    deps.counter.count(`${method.toLowerCase()} ${resource}`);
    deps.access.record({ user, group, resource, verb: method === 'GET' ? 'get' : method === 'POST' ? 'create' : method.toLowerCase() });
    aggregated(req, res, '/' + rest.join('/'));
    return;
  }

  // namespaces/{ns}/{plural}[/{name}[/{sub}]] or {plural}[/{name}[/{sub}]]; a namespace's own
  // subresources (namespaces/x/status, /finalize) have the first shape but are cluster-scoped.
  let namespace: string | undefined;
  let plural: string;
  let name: string | undefined;
  let subresource: string | undefined;
  const namespaceSub = rest[0] === 'namespaces' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize') && group === '';
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSub) {
    namespace = rest[1];
    [plural, name, subresource] = rest.slice(2);
    if (rest.length > 5) throw pathNotFound();
  } else {
    [plural, name, subresource] = rest;
    if (rest.length > 3) throw pathNotFound();
  }
  const type = registry.lookup(group, version, plural);
  if (!type) throw pathNotFound();
  if (type.namespaced && namespace === undefined && name !== undefined) throw pathNotFound();
  if (!type.namespaced && namespace !== undefined) throw pathNotFound();
  if (subresource !== undefined && !((subresource === 'status' && type.hasStatus) || (subresource === 'scale' && type.scale) || (subresource === 'finalize' && type.kind === 'Namespace'))) {
    throw pathNotFound();
  }
  if (subresource === 'finalize') subresource = 'status';
  const target: RequestTarget = { type, namespace, name, subresource };
  const q = url.searchParams;
  const isWatch = q.get('watch') === 'true' || q.get('watch') === '1';
  const resourceLabel = subresource ? `${plural}/${subresource}` : plural;
  /** Counts the request and logs the access in RBAC's terms. */
  const account = (verb: string): void => {
    deps.counter.count(`${verb} ${resourceLabel}`);
    deps.access.record({ user, group, resource: resourceLabel, verb });
  };
  const writeOpts: WriteOptions = { dryRun: q.getAll('dryRun').includes('All'), fieldManager: q.get('fieldManager') ?? undefined, force: q.get('force') === 'true' };
  const listOpts = (): ListOptions => {
    const limit = q.get('limit');
    return { labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector'), limit: limit ? Number(limit) : undefined, continueToken: q.get('continue') };
  };
  const service = deps.service;
  const codec = () => serializer.codec();
  const format = (kind: string, apiVersion = apiVersionOf(type)): WireFormat => serializer.formatFor(accept, apiVersion, kind);
  /** A write's answer: the object in the format the client prefers. */
  const answer = (code: number, body: JsonObject): void => sendBody(res, code, serializer.object(body, format(String(body.kind), String(body.apiVersion))));

  if (name === undefined) {
    switch (method) {
      case 'GET': {
        if (isWatch) {
          account('watch');
          const timeout = q.get('timeoutSeconds');
          const include = (q.get('includeObject') ?? 'Metadata') as IncludeObject;
          const render = (obj: JsonObject) => toTable(type, [service.present(type, obj)], include, { resourceVersion: String((obj.metadata as JsonObject).resourceVersion) }, deps.now());
          const version = apiVersionOf(type);
          const framing = wantsTable(accept)
            ? tableFraming(render)
            : format(type.kind) === 'protobuf'
              ? protobufFraming(version, codec(), (obj) => serializer.stored(type, obj, 'protobuf'))
              : jsonFraming(version, (obj) => serializer.stored(type, obj, 'json'));
          deps.watches.serve(req, res, {
            type,
            namespace,
            labels: parseLabelSelectorQuery(q.get('labelSelector')),
            fields: FieldSelector.parse(q.get('fieldSelector'), type.kind),
            resourceVersion: q.get('resourceVersion'),
            allowBookmarks: q.get('allowWatchBookmarks') === 'true',
            timeoutSeconds: timeout ? Number(timeout) : undefined,
            framing,
          });
          return;
        }
        account('list');
        if (wantsTable(accept)) {
          const list = service.list(target, listOpts(), true);
          const items = (list.items as JsonObject[]).map((i) => service.present(type, i));
          send(res, 200, toTable(type, items, (q.get('includeObject') ?? 'Metadata') as IncludeObject, list.metadata as JsonObject, deps.now()));
          return;
        }
        const listFormat = format(type.listKind);
        sendBytes(res, 200, serializer.list(type, service.list(target, listOpts(), true), listFormat), contentTypeOf(listFormat));
        return;
      }
      case 'POST': {
        account('create');
        const body = parseObject(await readBodyBytes(req), req.headers['content-type'], codec);
        const result = service.create(target, body, writeOpts);
        answer(result.code, result.body);
        return;
      }
      case 'DELETE': {
        account('deletecollection');
        const del = deleteOptions(await readBodyBytes(req), req.headers['content-type'], q, codec);
        answer(200, service.deleteCollection(target, listOpts(), del));
        return;
      }
      default:
        throw methodNotAllowed();
    }
  }

  switch (method) {
    case 'GET': {
      account('get');
      if (wantsTable(accept) && subresource === undefined) {
        const obj = service.get(target);
        send(res, 200, toTable(type, [obj], (q.get('includeObject') ?? 'Metadata') as IncludeObject, { resourceVersion: String((obj.metadata as JsonObject).resourceVersion) }, deps.now()));
        return;
      }
      if (subresource === 'scale') return answer(200, service.get(target));
      const getFormat = format(type.kind);
      sendBytes(res, 200, serializer.stored(type, service.getStored(target), getFormat), contentTypeOf(getFormat));
      return;
    }
    case 'PUT': {
      account('update');
      const body = parseObject(await readBodyBytes(req), req.headers['content-type'], codec);
      const result = service.update(target, body, writeOpts);
      answer(result.code, result.body);
      return;
    }
    case 'PATCH': {
      account('patch');
      // Patch bodies are JSON or YAML in every client, as the real server requires.
      const contentType = req.headers['content-type'] ?? '';
      const result = service.patch(target, contentType, (await readBodyBytes(req)).toString('utf8'), writeOpts);
      answer(result.code, result.body);
      return;
    }
    case 'DELETE': {
      if (subresource !== undefined) throw methodNotAllowed();
      account('delete');
      const result = service.delete(target, deleteOptions(await readBodyBytes(req), req.headers['content-type'], q, codec));
      answer(result.code, result.body);
      return;
    }
    default:
      throw methodNotAllowed();
  }
}

function discovery(deps: HttpHandlerDeps, res: ServerResponse, body: unknown): void {
  deps.counter.count('get discovery');
  send(res, 200, body);
}
