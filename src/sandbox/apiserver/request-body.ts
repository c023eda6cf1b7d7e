import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './api-error.ts';
import { isObject, type JsonObject } from './json.ts';
import { isProtobuf } from './media-types.ts';
import type { ProtobufCodec } from './protobuf/codec.ts';
import { ProtobufMappingError } from './protobuf/mapping-error.ts';
import type { DeleteOptions } from './resource-service.ts';

const maxBodyBytes = 3 * 1024 * 1024;

/** The request body, refused with 413 beyond the real server's 3 MiB limit. */
export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The object a create, update or delete body carries: JSON, YAML, or Kubernetes protobuf (which kubectl
 * 1.32 and later send for the objects of `create`, `run` and `expose`, and client-go's typed clients send
 * when configured for it). Protobuf is decoded into the JSON the same request would have carried.
 */
export function parseObject(body: Buffer, contentType: string | undefined, codec: () => ProtobufCodec): JsonObject {
  if (isProtobuf(contentType)) {
    try {
      return codec().decodeObject(body);
    } catch (err) {
      if (err instanceof ProtobufMappingError) throw badRequest(`the object provided is unrecognized: ${err.message}`);
      // Kinds without a protobuf form (custom resources, CRDs, APIServices) are answered as a server
      // without protobuf for them answers: client-go does not retry with JSON after a 415 for protobuf.
      throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    }
  }
  let value: unknown;
  try {
    const text = body.toString('utf8');
    value = contentType?.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`the object provided is unrecognized: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw badRequest('the object provided is unrecognized');
  return value;
}

/** DeleteOptions from the body (JSON or protobuf, as typed clients send it) or else the query. */
export function deleteOptions(body: Buffer, contentType: string | undefined, q: URLSearchParams, codec: () => ProtobufCodec): DeleteOptions {
  const opts = body.length === 0 || body.toString('utf8').trim() === '' ? {} : parseObject(body, contentType, codec);
  const dryRun = Array.isArray(opts.dryRun) ? (opts.dryRun as string[]) : q.getAll('dryRun');
  const pre = isObject(opts.preconditions) ? (opts.preconditions as { uid?: string; resourceVersion?: string }) : undefined;
  let propagationPolicy = typeof opts.propagationPolicy === 'string' ? opts.propagationPolicy : (q.get('propagationPolicy') ?? undefined);
  if (propagationPolicy === undefined && opts.orphanDependents === true) propagationPolicy = 'Orphan';
  return { dryRun: dryRun.includes('All'), propagationPolicy, preconditions: pre };
}
