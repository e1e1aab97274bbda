import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import * as net from 'node:net';
import { MemoryDriver } from '@virtkit/memory';
import { connectDriver, Health, serveDriver } from '@virtkit/remote';
import { DriverEventReplay } from '../src/server/event-replay';
import { AsyncQueue } from '../src/server/driver-service';
import { tempDir } from './helpers';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { ServerReflection } from '../src/gen/grpc/reflection/v1/reflection_pb';

const run = promisify(execFile);

describe('the wire contract', () => {
  it('the committed generated code is current with proto/ (npm run generate -w packages/remote)', async () => {
    await expect(
      run(process.execPath, [resolve(__dirname, '../scripts/generate.mjs'), '--check'], { timeout: 60_000 }),
    ).resolves.toBeDefined();
  }, 90_000);

  it('serves the standard grpc.health.v1 service: SERVING, unknown services SERVICE_UNKNOWN', async () => {
    const tmp = tempDir();
    const server = await serveDriver(new MemoryDriver({ hostname: 'h' }), {
      listen: `unix:${tmp.socket}`,
      tokens: { 'health-is-open-0123456789': 'admin' },
    });
    const transport = createGrpcTransport({
      baseUrl: 'http://localhost',
      nodeOptions: { createConnection: () => net.connect(tmp.socket) } as never,
    });
    try {
      const health = createClient(Health, transport);
      expect((await health.check({ service: '' })).status).toBe(1);
      expect((await health.check({ service: 'virtkit.v1.DriverService' })).status).toBe(1);
      expect((await health.check({ service: 'nope.Service' })).status).toBe(3);
    } finally {
      await server.close();
      tmp.remove();
    }
  });

  it('serves grpc.reflection.v1: the services, and the file of a symbol with its imports', async () => {
    const tmp = tempDir();
    const server = await serveDriver(new MemoryDriver({ hostname: 'r' }), { listen: `unix:${tmp.socket}` });
    const transport = createGrpcTransport({
      baseUrl: 'http://localhost',
      nodeOptions: { createConnection: () => net.connect(tmp.socket) } as never,
    });
    try {
      const reflection = createClient(ServerReflection, transport);
      async function* requests() {
        yield { messageRequest: { case: 'listServices' as const, value: '' } };
        yield { messageRequest: { case: 'fileContainingSymbol' as const, value: 'virtkit.v1.DriverService.GetInfo' } };
        yield { messageRequest: { case: 'fileContainingSymbol' as const, value: 'no.Such' } };
      }
      const answers = [];
      for await (const a of reflection.serverReflectionInfo(requests())) answers.push(a);
      const services =
        answers[0]!.messageResponse.case === 'listServicesResponse'
          ? answers[0]!.messageResponse.value.service.map((x) => x.name)
          : [];
      expect(services).toEqual(
        expect.arrayContaining([
          'virtkit.v1.DriverService',
          'grpc.health.v1.Health',
          'grpc.reflection.v1.ServerReflection',
        ]),
      );
      const files =
        answers[1]!.messageResponse.case === 'fileDescriptorResponse'
          ? answers[1]!.messageResponse.value.fileDescriptorProto
          : [];
      const names = files.map((b) => fromBinary(FileDescriptorProtoSchema, b).name);
      expect(names[0]).toBe('virtkit/v1/driver.proto');
      expect(names).toEqual(expect.arrayContaining(['google/protobuf/struct.proto', 'google/protobuf/wrappers.proto']));
      expect(answers[2]!.messageResponse.case).toBe('errorResponse');
    } finally {
      await server.close();
      tmp.remove();
    }
  });

  it('refuses a client of another major contract version with CONTRACT_MISMATCH', async () => {
    const tmp = tempDir();
    class FutureDriver extends MemoryDriver {
      static override contractVersion = '2.0.0';
    }
    const server = await serveDriver(new FutureDriver({ hostname: 'f' }), { listen: `unix:${tmp.socket}` });
    try {
      await expect(connectDriver(server.target)).rejects.toMatchObject({ code: 'CONTRACT_MISMATCH' });
    } finally {
      await server.close();
      tmp.remove();
    }
  });
});

describe('bounded buffers', () => {
  it('a live event queue never blocks its producer: past its limit it is overflowed and takes no more', async () => {
    const q = new AsyncQueue<number>(3);
    for (let i = 0; i < 10; i++) q.push(i);
    expect(q.overflowed).toBe(true);
    expect(q.length).toBe(3);
    expect(await q.take()).toBeUndefined();
  });

  it(
    "the replay is the driver's own window (core's " + 'eventsSince): the last N events, and what was dropped',
    async () => {
      const driver = new MemoryDriver({ hostname: 'ring', eventReplayWindow: 3 });
      const r = new DriverEventReplay(driver);
      expect(r.capacity).toBe(3);
      expect(r.lastSequence).toBe(0);
      expect(r.since(1)).toEqual({ events: [] });
      const req = {
        instance: {
          uuid: '00000000-0000-4000-8000-00000000a001',
          name: 'ring',
          flavor: { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 },
        },
        imageMeta: { id: 'i', diskFormat: 'qcow2' as const },
      };
      await driver.spawn({}, req);
      for (let i = 0; i < 2; i++) {
        await driver.pause({}, { instance: req.instance });
        await driver.unpause({}, { instance: req.instance });
      }
      expect(r.lastSequence).toBe(5);
      expect(r.since(4)).toEqual({
        events: [expect.objectContaining({ sequence: 4, host: 'ring' }), expect.objectContaining({ sequence: 5 })],
      });
      expect(r.since(6)).toEqual({ events: [] });
      expect(r.since(1)).toMatchObject({ gapUntil: 3 });
      expect(r.since(1).events.map((e) => e.sequence)).toEqual([3, 4, 5]);
      // One history per driver object: a second server on it reads the same numbering.
      expect(new DriverEventReplay(driver).epoch).toBe(r.epoch);
    },
  );
});
