import { toBinary, type DescFile, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { ServerReflection, type ServerReflectionResponse } from '../gen/grpc/reflection/v1/reflection_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ServerReflectionResponseSchema } from '../gen/grpc/reflection/v1/reflection_pb.js';

/**
 * grpc.reflection.v1 from the descriptors the server already has (no
 * maintained reflection library exists for Connect on Node 20): list the
 * services, and answer a file by name or by a symbol it defines, with the
 * files it depends on.
 */
export function reflectionService(
  files: readonly DescFile[],
  services: readonly string[],
): ServiceImpl<typeof ServerReflection> {
  const byName = new Map<string, DescFile>();
  const bySymbol = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (byName.has(file.proto.name)) return;
    byName.set(file.proto.name, file);
    const addMessage = (m: DescMessage): void => {
      bySymbol.set(m.typeName, file);
      for (const n of m.nestedMessages) addMessage(n);
      for (const e of m.nestedEnums) bySymbol.set(e.typeName, file);
    };
    for (const m of file.messages) addMessage(m);
    for (const e of file.enums) bySymbol.set(e.typeName, file);
    for (const s of file.services) {
      bySymbol.set(s.typeName, file);
      for (const method of s.methods) bySymbol.set(`${s.typeName}.${method.name}`, file);
    }
    for (const dep of file.dependencies) visit(dep);
  };
  for (const f of files) visit(f);

  /** The file and everything it imports, each once, the file first. */
  const withDeps = (file: DescFile): Uint8Array[] => {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const walk = (f: DescFile): void => {
      if (seen.has(f.proto.name)) return;
      seen.add(f.proto.name);
      out.push(toBinary(FileDescriptorProtoSchema, f.proto));
      for (const d of f.dependencies) walk(d);
    };
    walk(file);
    return out;
  };

  const answer = (
    req: ServerReflectionResponse['originalRequest'] & object,
  ): MessageInitShape<typeof ServerReflectionResponseSchema> => {
    const base = { validHost: req.host, originalRequest: req };
    const r = req.messageRequest;
    const notFound = (what: string) => ({
      ...base,
      messageResponse: { case: 'errorResponse' as const, value: { errorCode: 5, errorMessage: `${what} not found` } },
    });
    switch (r.case) {
      case 'listServices':
        return {
          ...base,
          messageResponse: { case: 'listServicesResponse', value: { service: services.map((name) => ({ name })) } },
        };
      case 'fileByFilename': {
        const file = byName.get(r.value);
        return file
          ? {
              ...base,
              messageResponse: { case: 'fileDescriptorResponse', value: { fileDescriptorProto: withDeps(file) } },
            }
          : notFound(`file ${r.value}`);
      }
      case 'fileContainingSymbol': {
        const file = bySymbol.get(r.value.replace(/^\./, ''));
        return file
          ? {
              ...base,
              messageResponse: { case: 'fileDescriptorResponse', value: { fileDescriptorProto: withDeps(file) } },
            }
          : notFound(`symbol ${r.value}`);
      }
      case 'allExtensionNumbersOfType':
        return bySymbol.has(r.value)
          ? {
              ...base,
              messageResponse: {
                case: 'allExtensionNumbersResponse',
                value: { baseTypeName: r.value, extensionNumber: [] },
              },
            }
          : notFound(`type ${r.value}`);
      default:
        return {
          ...base,
          messageResponse: { case: 'errorResponse', value: { errorCode: 12, errorMessage: 'not implemented' } },
        };
    }
  };

  return {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) yield answer(req);
    },
  };
}
