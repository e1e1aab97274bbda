import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A command the fake server received. */
export interface ReceivedCommand {
  execute: string;
  arguments?: Record<string, unknown>;
  id?: unknown;
}

/** Decides the answer to a command: an object to send as one line, or `undefined` to stay silent. */
export type CommandHandler = (command: ReceivedCommand, connection: Socket) => object | undefined;

const GREETING = {
  QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'fake' }, capabilities: ['oob'] },
};

/**
 * A QMP server over a unix socket in a fresh temp dir, for tests without QEMU.
 * It greets, accepts `qmp_capabilities`, and answers other commands via `handler`
 * (default: `{"return": {}}`).
 */
export class FakeQmpServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'virtkit-fake-qmp-'));
  readonly path = join(this.dir, 'qmp.sock');
  readonly received: ReceivedCommand[] = [];
  readonly connections: Socket[] = [];
  handler: CommandHandler = () => ({ return: {} });
  /** Send the greeting on connect; tests of handshake timeouts turn it off. */
  greet = true;
  #server: Server | undefined;

  /** Starts listening on {@link path}. */
  async listen(): Promise<this> {
    const server = createServer((socket) => this.#onConnection(socket));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
    return this;
  }

  /** The latest connection. */
  get connection(): Socket {
    const socket = this.connections.at(-1);
    if (!socket) throw new Error('no connection yet');
    return socket;
  }

  /** Writes raw text to the latest connection (to test chunking). */
  write(text: string | Buffer): void {
    this.connection.write(text);
  }

  /** Sends one JSON message as a line. */
  send(message: object): void {
    this.write(JSON.stringify(message) + '\n');
  }

  /** Resolves once `count` non-negotiation commands have arrived. */
  async waitForCommands(count: number): Promise<ReceivedCommand[]> {
    while (this.commands().length < count) await new Promise((r) => setTimeout(r, 2));
    return this.commands();
  }

  /** Received commands other than `qmp_capabilities`. */
  commands(): ReceivedCommand[] {
    return this.received.filter((c) => c.execute !== 'qmp_capabilities');
  }

  /** Stops the server, drops connections and removes the temp dir. */
  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  #onConnection(socket: Socket): void {
    this.connections.push(socket);
    socket.on('error', () => undefined);
    if (this.greet) socket.write(JSON.stringify(GREETING) + '\n');
    let tail = '';
    socket.on('data', (chunk) => {
      const lines = (tail + chunk.toString('utf8')).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) this.#onCommand(JSON.parse(line) as ReceivedCommand, socket);
    });
  }

  #onCommand(command: ReceivedCommand, socket: Socket): void {
    this.received.push(command);
    const reply = command.execute === 'qmp_capabilities' ? { return: {} } : this.handler(command, socket);
    if (reply) socket.write(JSON.stringify({ ...reply, id: command.id }) + '\n');
  }
}
