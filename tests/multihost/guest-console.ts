import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import type { DriverWith } from '@virtkit/core';

/** A driver whose consoles the tests read and type on (in process or an agent's remote driver). */
export type ConsoleDriver = DriverWith<'console.output'> & DriverWith<'console.serial'>;

/** Connects to a serial proxy from inside a namespace, sends the secret and the text, waits, and ends. */
const TYPE_SCRIPT = `const s = require('net').connect(Number(process.argv[2]), process.argv[1], () =>
  s.write(process.env.VIRTKIT_CONSOLE_INPUT, () => setTimeout(() => s.end(), 200)));
s.on('error', (e) => { console.error(String(e)); process.exit(1); });`;

/**
 * Type `text` on an instance's serial console through the driver's public `getSerialConsole` (its
 * proxy, its secret): how the tests configure the test guest, whose busybox shell sits on ttyS0.
 * An agent's proxy listens on its own namespace's loopback: give `netns` to type from inside it.
 */
export async function typeOnConsole(driver: ConsoleDriver, uuid: string, text: string, netns?: string): Promise<void> {
  const serial = await driver.getSerialConsole({}, { instance: { uuid } });
  if (netns !== undefined) {
    execFileSync(
      'ip',
      ['netns', 'exec', netns, process.execPath, '-e', TYPE_SCRIPT, serial.host, String(serial.port)],
      {
        env: { ...process.env, VIRTKIT_CONSOLE_INPUT: `${serial.secret}\n${text}` },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 15_000,
      },
    );
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const socket = connect(serial.port, serial.host, () => {
      socket.write(`${serial.secret}\n${text}`, () => setTimeout(() => socket.end(resolve), 200));
    });
    socket.once('error', reject);
  });
}

/** The console output of an instance (the driver's `getConsoleOutput`). */
export async function consoleText(driver: ConsoleDriver, uuid: string): Promise<string> {
  return (await driver.getConsoleOutput({}, { instance: { uuid } })).text;
}

/** Poll the console until `predicate` holds on its text. @throws with the console's tail when it does not in time */
export async function waitForConsole(
  driver: ConsoleDriver,
  uuid: string,
  predicate: (text: string) => boolean,
  timeoutMs: number,
  what: string,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await consoleText(driver, uuid);
    if (predicate(text)) return text;
    const tailChars = Number(process.env.VIRTKIT_CONSOLE_TAIL) || 1500;
    if (Date.now() > deadline)
      throw new Error(`no ${what} on the console within ${timeoutMs} ms; tail:\n${text.slice(-tailChars)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Shell lines that give the guest's first NIC (`eth0`) an address and start a counter on the console
 * (`tick <n>` each 0.2 s): a reset would start again from 1, a pause shows as a gap.
 */
export function guestSetup(address: string): string {
  return [
    `ip link set eth0 up && ip addr add ${address}/24 dev eth0 && echo virtkit-net-$((40+2))`,
    `(n=0; while true; do n=$((n+1)); echo "tick $n"; sleep 0.2; done) &`,
    '',
  ].join('\n');
}

/** The counter values seen on a console text, in order. */
export function ticks(text: string): number[] {
  return [...text.matchAll(/^tick (\d+)\r?$/gm)].map((m) => Number(m[1]));
}
