/**
 * `/openapi/v2` with no definitions. kubectl's default `--validate=strict` validates a `kind: List`
 * document on the client (the List kind has no path in /openapi/v3 taking `fieldValidation`, so
 * kubectl cannot leave it to the server) and for that downloads /openapi/v2, as protobuf only
 * (client-go's OpenAPISchema()); a 404 made `kubectl apply -f list.json` fail unless
 * `--validate=false`. With no definitions kubectl finds no schema for the items and skips the
 * client-side check; each item is then sent on its own with `fieldValidation=Strict`, so this
 * server still rejects unknown fields. JSON is served to anyone asking for it.
 */

const TITLE = 'caplab embedded control plane';

/** The document as JSON (Swagger 2.0). */
export function openApiV2Json(version: string): Record<string, unknown> {
  return { swagger: '2.0', info: { title: TITLE, version }, paths: {}, definitions: {} };
}

/**
 * The same document as gnostic's openapi.v2.Document protobuf (the wire format client-go asks
 * for): swagger = 1, info = 2 (title = 1, version = 2), paths = 8, definitions = 9.
 */
export function openApiV2Protobuf(version: string): Buffer {
  const info = Buffer.concat([field(1, Buffer.from(TITLE)), field(2, Buffer.from(version))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info), field(8, Buffer.alloc(0)), field(9, Buffer.alloc(0))]);
}

/**
 * Content-Type of the protobuf answer. client-go asks with `Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, but that is not a valid media type
 * (`@`), so Go's mime parser rejects it in a response; the apiserver answers octet-stream.
 */
export const OPENAPI_V2_PROTOBUF = 'application/octet-stream';

/** One length-delimited field (wire type 2). */
function field(n: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
}

function varint(v: number): Buffer {
  const out: number[] = [];
  while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v >>>= 7; }
  out.push(v);
  return Buffer.from(out);
}
