// The remote caller of remote.qemu_spawn_vs_in_process in a process of its own (forked by remote.mjs), as a real
// caller on another host is: its client work (encoding, validation, decoding, event catch-up) runs on its own
// event loop, not on the serving process's. Messages from the parent, over the fork's IPC channel (not timed):
// - { connect: target, tls? }: connect (mutual TLS with `tls`: ca, cert, key); answers { connected: true }.
// - { spawn: request }: spawn; answers { uuid, ms } with the caller's wait for `spawn` (this process's clock), or
//   { error }. Then { getInfo: uuid } answers { state, ms }.
// - { raw: socketPath }: a raw Connect client of DriverService (no @virtkit/remote) on that unix socket; then
//   { rawGetInfo: true } answers { ms }: one plain GetInfo round trip, the engine's own floor.
// - { close: true }: closes the connection; the parent then disconnects and this process exits.
// The parent kills this process if it is still there when the figure ends (every path).
import * as net from 'node:net';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { connectDriver, DriverService } from '@virtkit/remote';

let remote;
let raw;
process.on('message', (message) => {
  void handle(message).then(
    (answer) => process.send(answer),
    (error) => process.send({ error: String(error?.stack ?? error) }),
  );
});
// The parent went away (or is done): close the connection, which lets this process exit.
process.on('disconnect', () => void remote?.close());

async function handle(message) {
  if (message.connect) {
    remote = await connectDriver(message.connect, message.tls ? { tls: message.tls } : {});
    return { connected: true };
  }
  if (message.spawn) {
    const t = performance.now();
    await remote.spawn({}, message.spawn);
    return { uuid: message.spawn.instance.uuid, ms: performance.now() - t };
  }
  if (message.getInfo) {
    const t = performance.now();
    const { state } = await remote.getInfo({}, { instance: { uuid: message.getInfo } });
    return { state, ms: performance.now() - t };
  }
  if (message.raw) {
    const transport = createGrpcTransport({
      baseUrl: 'http://localhost',
      nodeOptions: { createConnection: () => net.connect(message.raw) },
    });
    raw = createClient(DriverService, transport);
    return { connected: true };
  }
  if (message.rawGetInfo) {
    const t = performance.now();
    await raw.getInfo({ instance: { uuid: '00000000-0000-4000-8000-000000000000' } });
    return { ms: performance.now() - t };
  }
  if (message.close) {
    await remote?.close();
    remote = undefined;
    return { closed: true };
  }
  throw new Error(`unknown message ${JSON.stringify(message)}`);
}
