/** A JSON value that has no protobuf form in its field (or a protobuf body that is not a valid object). */
export class ProtobufMappingError extends Error {
  readonly path: string;

  constructor(path: string, value: unknown, expected: string) {
    super(`${path || '<root>'}: ${JSON.stringify(value)?.slice(0, 80) ?? String(value)} is not ${expected}`);
    this.path = path;
  }
}
