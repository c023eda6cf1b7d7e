/** The Kubernetes protobuf media type (objects and lists in the `k8s\0` envelope). */
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';
/** The media type of a protobuf watch stream (length-prefixed WatchEvent frames). */
export const protobufWatchMediaType = 'application/vnd.kubernetes.protobuf;stream=watch';
export const jsonMediaType = 'application/json';

/** The encoding of a response body. */
export type WireFormat = 'json' | 'protobuf';

/** The Content-Type of a body in a format. */
export function contentTypeOf(format: WireFormat): string {
  return format === 'protobuf' ? protobufMediaType : jsonMediaType;
}

function mediaType(range: string): string {
  return range.split(';')[0].trim().toLowerCase();
}

/** Whether a Content-Type is the Kubernetes protobuf media type. */
export function isProtobuf(contentType: string | undefined): boolean {
  return contentType !== undefined && mediaType(contentType) === protobufMediaType;
}

/**
 * Whether the client prefers protobuf: the first media range in Accept that the server can produce is
 * the protobuf one. client-go's typed clients send `application/vnd.kubernetes.protobuf,
 * application/json` when configured for protobuf (kubectl 1.32 and later are), everything else asks for
 * JSON. Ranges with parameters (`as=Table`, `as=APIGroupDiscoveryList`) ask for other things.
 */
export function prefersProtobuf(accept: string | undefined): boolean {
  for (const range of (accept ?? '').split(',')) {
    if (range.includes('as=')) continue;
    const type = mediaType(range);
    if (type === protobufMediaType) return true;
    if (type === jsonMediaType || type === 'application/yaml' || type === '*/*' || type === 'application/*') return false;
  }
  return false;
}
