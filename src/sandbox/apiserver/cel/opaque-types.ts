import { objectType, type CelObjectType } from '@bufbuild/cel';
import { create, createFileRegistry, type DescMessage, type Message } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';

// @bufbuild/cel gives a value a type of its own only when it is a protobuf message, so Kubernetes' opaque
// CEL types (kubernetes.URL, kubernetes.Quantity) and CEL's optional are messages of a small descriptor
// built here. A message carries its source text; an optional's contents sit beside it (any CEL value,
// which no protobuf field could hold).

const stringField = { name: 'raw', number: 1, type: FieldDescriptorProto_Type.STRING, label: FieldDescriptorProto_Label.OPTIONAL, jsonName: 'raw' };
const boolField = { name: 'present', number: 1, type: FieldDescriptorProto_Type.BOOL, label: FieldDescriptorProto_Label.OPTIONAL, jsonName: 'present' };

export const opaqueRegistry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: 'kanari/sandbox/cel.proto',
    package: 'kubernetes',
    syntax: 'proto3',
    messageType: [
      { name: 'URL', field: [stringField] },
      { name: 'Quantity', field: [stringField] },
      { name: 'Optional', field: [boolField] },
    ],
  }),
  () => undefined,
);

const descriptor = (name: string): DescMessage => {
  const desc = opaqueRegistry.getMessage(`kubernetes.${name}`);
  if (!desc) throw new Error(`missing descriptor kubernetes.${name}`);
  return desc;
};

export const urlDesc = descriptor('URL');
export const quantityDesc = descriptor('Quantity');
export const optionalDesc = descriptor('Optional');
export const URL_TYPE: CelObjectType = objectType(urlDesc);
export const QUANTITY_TYPE: CelObjectType = objectType(quantityDesc);
export const OPTIONAL_TYPE: CelObjectType = objectType(optionalDesc);

type RawMessage = Message & { raw: string };
type OptionalMessage = Message & { present: boolean };

/** A kubernetes.URL or kubernetes.Quantity value holding its source text. */
export const opaqueOf = (desc: DescMessage, raw: string): RawMessage => create(desc, { raw }) as unknown as RawMessage;

/** The source text of an opaque value (`this` of a method is a reflected message). */
export const rawOf = (value: unknown): string => ((value as { message: RawMessage }).message ?? (value as RawMessage)).raw;

const optionalContents = new WeakMap<object, unknown>();

/** optional.of(value), or optional.none() when value is undefined. */
export function optionalOf(value: unknown): OptionalMessage {
  const msg = create(optionalDesc, { present: value !== undefined }) as unknown as OptionalMessage;
  if (value !== undefined) optionalContents.set(msg, value);
  return msg;
}

/** Whether an optional holds a value, and which. */
export function optionalValue(opt: unknown): { present: boolean; value: unknown } {
  const msg = ((opt as { message?: OptionalMessage }).message ?? opt) as OptionalMessage;
  return { present: msg.present, value: optionalContents.get(msg) };
}
