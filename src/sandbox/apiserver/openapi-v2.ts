import protobuf from 'protobufjs';

/**
 * The Content-Type of the protobuf document. kubectl 1.27 and 1.28 ask for the older spelling with `@`,
 * which Go's mime parser rejects in a Content-Type, so the real server answers with this one.
 */
export const openApiV2MediaType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

// gnostic's OpenAPI v2 message (third_party/gnostic-openapiv2), parsed at the first request.
const protoUrl = new URL('../../../third_party/gnostic-openapiv2/OpenAPIv2.proto', import.meta.url);
let documentType: protobuf.Type | undefined;

/**
 * A minimal OpenAPI v2 document as gnostic protobuf. kubectl 1.27 and 1.28 fetch it before every
 * validated apply and fail without it; they learn from /openapi/v3 that the server validates fields
 * itself, and a kind without a definition here is not validated on the client. So the document only
 * has to exist: it declares no paths or definitions, and `kubectl explain` has nothing to show.
 */
export function openApiV2Document(): Buffer {
  documentType ??= protobuf.loadSync(protoUrl.pathname).lookupType('openapi.v2.Document');
  return Buffer.from(documentType.encode({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {} }).finish());
}
