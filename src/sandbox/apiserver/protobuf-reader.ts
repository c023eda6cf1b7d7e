/** One field of a protobuf message: its number and its raw value (a number for varints, bytes otherwise). */
export interface ProtoField {
  number: number;
  /** Varint fields carry a number; length-delimited fields carry their bytes. */
  value: number | Uint8Array;
}

/** A malformed protobuf body; the HTTP layer answers it with 400 as the real server does. */
export class ProtobufError extends Error {}

/**
 * Reads the protobuf wire format field by field. It knows nothing of schemas: the caller maps field
 * numbers to names, so the server only needs the handful of numbers of the kinds kubectl sends as protobuf.
 */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= bytes.length) throw new ProtobufError('truncated varint');
      const b = bytes[pos++];
      // Multiplication instead of shifts: JavaScript shifts are 32-bit, and int64 fields can be wider.
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new ProtobufError('varint too long');
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    switch (wireType) {
      case 0:
        fields.push({ number, value: varint() });
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const length = varint();
        if (pos + length > bytes.length) throw new ProtobufError('truncated field');
        fields.push({ number, value: bytes.subarray(pos, pos + length) });
        pos += length;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
    if (pos > bytes.length) throw new ProtobufError('truncated field');
  }
  return fields;
}

/** The bytes of a length-delimited field as UTF-8 text. */
export function text(value: number | Uint8Array): string {
  return typeof value === 'number' ? String(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
}

/** The bytes of a length-delimited field as base64, the way JSON carries Go's []byte. */
export function base64(value: number | Uint8Array): string {
  return typeof value === 'number' ? '' : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

/** The bytes of a nested message (a varint there means a malformed body). */
export function message(value: number | Uint8Array): Uint8Array {
  if (typeof value === 'number') throw new ProtobufError('expected a nested message');
  return value;
}

/** A map<string, V> entry (key = 1, value = 2), with the value converted by `convert`. */
export function mapEntry<V>(value: number | Uint8Array, convert: (v: number | Uint8Array) => V): [string, V] {
  let key = '';
  let entry: V = convert(new Uint8Array(0));
  for (const f of readFields(message(value))) {
    if (f.number === 1) key = text(f.value);
    else if (f.number === 2) entry = convert(f.value);
  }
  return [key, entry];
}
