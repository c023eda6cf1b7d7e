/**
 * Writes third_party/kubernetes-proto/kubernetes-descriptors.json: the protobuf schemas of the Kubernetes
 * API groups the sandbox serves, taken from a kubectl release binary.
 *
 * Every Go program built with k8s.io/api embeds, for each `generated.proto`, the FileDescriptorProto that
 * protoc compiled from it (gzipped, registered with the protobuf runtime at start-up). Those descriptors are
 * the upstream .proto definitions exactly as the binary speaks them on the wire, so the sandbox loads them
 * instead of hand-written field tables. Run it with the kubectl of the Kubernetes release to follow:
 *
 *   curl -LO https://dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubectl
 *   node scripts/extract-kubernetes-descriptors.ts ./kubectl
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';

/** The generated.proto files of the kinds the sandbox serves; their imports are added automatically. */
const wanted = [
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
  'k8s.io/api/autoscaling/v1/generated.proto',
  'k8s.io/api/autoscaling/v2/generated.proto',
  'k8s.io/api/coordination/v1/generated.proto',
  'k8s.io/api/events/v1/generated.proto',
];

interface FileDescriptor {
  name: string;
  dependency: string[];
}

/** The descriptors only name gogo.proto for its field options; the binary does not embed it. */
const gogoProto = 'github.com/gogo/protobuf/gogoproto/gogo.proto';

// go-to-protobuf marks every field whose Go type is not a pointer with `(gogoproto.nullable) = false`.
// That is the one fact the JSON mapping needs beyond the wire schema: a zero in a pointer field (replicas: 0)
// was set on purpose, a zero in a value field is Go's zero value that JSON omits. Declaring the extension
// on FieldOptions makes the descriptor decoder keep it instead of skipping it as unknown, and fromDescriptor
// then carries it into the reflected field's options as `nullable: false`.
(descriptor.FieldOptions as unknown as protobuf.Type).add(new protobuf.Field('nullable', 65001, 'bool'));

/** Every gzipped FileDescriptorProto in the binary whose file name starts with `k8s.io/`. */
function embeddedDescriptors(binary: Buffer): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  // Go's gzip writer starts a member with these ten bytes (no name, no mtime, best compression, unknown OS).
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff]);
  for (let at = binary.indexOf(header); at >= 0; at = binary.indexOf(header, at + 1)) {
    let bytes: Buffer;
    try {
      // Raw inflate stops at the end of the deflate stream, so the bytes after the member do no harm.
      bytes = inflateRawSync(binary.subarray(at + header.length, at + header.length + 4_000_000));
    } catch {
      continue;
    }
    try {
      const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as FileDescriptor;
      if (file.name?.startsWith('k8s.io/')) found.set(file.name, bytes);
    } catch {
      // Not a descriptor: some other gzipped data.
    }
  }
  return found;
}

function main(): void {
  const kubectl = process.argv[2];
  if (!kubectl) throw new Error('usage: node scripts/extract-kubernetes-descriptors.ts <kubectl binary>');
  const version = (JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
  const embedded = embeddedDescriptors(readFileSync(kubectl));
  const files: FileDescriptor[] = [];
  const add = (name: string): void => {
    if (name === gogoProto || files.some((f) => f.name === name)) return;
    const bytes = embedded.get(name);
    if (!bytes) throw new Error(`${kubectl} does not embed ${name}`);
    const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as FileDescriptor;
    file.dependency = (file.dependency ?? []).filter((d) => d !== gogoProto);
    files.push(file);
    for (const dep of file.dependency) add(dep);
  };
  for (const name of wanted) add(name);
  const set = descriptor.FileDescriptorSet.create({ file: files as never }) as never;
  const root = protobuf.Root.fromDescriptor(set);
  const out = new URL('../third_party/kubernetes-proto/kubernetes-descriptors.json', import.meta.url);
  const document = { source: `kubectl ${version}`, files: files.map((f) => f.name).sort(), root: root.toJSON() };
  writeFileSync(out, JSON.stringify(document, null, 1) + '\n');
  console.log(`wrote ${out.pathname}: ${files.length} files from kubectl ${version}`);
}

main();
