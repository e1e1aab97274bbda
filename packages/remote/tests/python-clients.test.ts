import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MemoryDriver } from '@virtkit/memory';
import { serveDriver, type RemoteServer } from '@virtkit/remote';
import { tempDir } from './helpers';

/** What the Python clients print last: what they saw, as JSON. */
interface PythonReport {
  events: { uuid: string; transition: string; host: string }[];
  [key: string]: unknown;
}

const run = promisify(execFile);
/**
 * Debian's interpreter: python3-grpcio and python3-grpc-tools are installed for it (scripts/install-system-deps.sh).
 */
const PYTHON = '/usr/bin/python3';
const PROTO_DIR = resolve(__dirname, '../proto');

/**
 * The wire contract is language-neutral: Python calls a served driver through gRPC stubs generated from the shipped
 * .proto, and with urllib + JSON alone.
 */
describe('Python callers', () => {
  const tmp = tempDir();
  let server: RemoteServer;
  const served = new MemoryDriver({ hostname: 'py' });

  beforeAll(async () => {
    server = await serveDriver(served, { listen: '127.0.0.1:0' });
  });
  afterAll(async () => {
    await server?.close();
    tmp.remove();
  });

  // Capability payloads both ways: as a google.protobuf.Value (a client of the first wire version) and as JSON text
  // (CallRequest.request_json, for a server listing "json-text"); the server answers each in its kind.
  it.each([
    ['value', 'result'],
    ['json-text', 'result_json'],
  ])(
    'python3-grpcio with stubs generated from the shipped proto (payloads as %s): ' +
      'describe, spawn, info, lifecycle events, typed errors',
    async (mode, answeredIn) => {
      expect(existsSync(PYTHON)).toBe(true);
      const out = join(tmp.dir, `stubs-${mode}`);
      mkdirSync(out);
      const uuid = randomUUID();
      const { stdout } = await run(
        PYTHON,
        [join(__dirname, 'python/grpc_client.py'), PROTO_DIR, out, server.address, uuid, mode],
        { timeout: 60_000 },
      );
      const seen = JSON.parse(stdout.trim().split('\n').pop()!) as PythonReport;
      expect(seen).toMatchObject({ driver: 'memory', contract: '1.0.0', pause: true, state: 'POWER_STATE_RUNNING' });
      expect(seen.events.filter((e) => e.uuid === uuid).map((e) => [e.transition, e.host])).toEqual([
        ['STARTED', 'py'],
        ['PAUSED', 'py'],
      ]);
      expect(seen.error).toMatchObject({
        status: 'NOT_FOUND',
        virtkit: { code: 'INSTANCE_NOT_FOUND', name: 'InstanceNotFoundError' },
      });
      expect(seen.wire_features).toEqual(['json-text']);
      expect(seen.answered).toEqual([answeredIn, answeredIn, answeredIn]);
      expect(seen.console).toEqual(await served.getConsoleOutput({}, { instance: { uuid } }));
      expect((await served.getInfo({}, { instance: { uuid } })).state).toBe(3);
    },
    90_000,
  );

  it('plain HTTP + JSON from urllib (no gRPC library): the same, plus validation and contract mismatch', async () => {
    const uuid = randomUUID();
    const { stdout } = await run(PYTHON, [join(__dirname, 'python/json_client.py'), `http://${server.address}`, uuid], {
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as PythonReport;
    expect(seen).toMatchObject({ driver: 'memory', contract: '1.0.0', pause: true, state: 'POWER_STATE_RUNNING' });
    expect(seen.events.filter((e) => e.uuid === uuid).map((e) => [e.transition, e.host])).toEqual([
      ['STARTED', 'py'],
      ['PAUSED', 'py'],
    ]);
    expect(seen.missing).toMatchObject({
      httpStatus: 404,
      body: { code: 'not_found' },
      virtkit: { code: 'INSTANCE_NOT_FOUND' },
    });
    expect(seen.invalid).toMatchObject({ httpStatus: 400, virtkit: { code: 'VALIDATION_FAILED' } });
    expect(seen.mismatch).toMatchObject({ virtkit: { code: 'CONTRACT_MISMATCH' } });
    expect(seen.wireFeatures).toEqual(['json-text']);
    const console = await served.getConsoleOutput({}, { instance: { uuid } });
    expect(seen.consoleValue).toEqual({ result: console });
    expect(seen.consoleText).toEqual({ resultJson: JSON.stringify(console) });
    expect(seen.badText).toMatchObject({ httpStatus: 400, virtkit: { code: 'VALIDATION_FAILED' } });
  }, 90_000);
});
