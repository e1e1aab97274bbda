// events.sdk_vs_eventemitter3: lifecycle events per second through the SDK vs raw eventemitter3.
import EventEmitter from 'eventemitter3';
import { PowerState } from '@virtkit/core';
import samplePkg from '@virtkit/sample-driver';
import { latencies, ratioFigure } from '../lib/measure.mjs';

const { SampleDriver } = samplePkg;

/** Reaches the protected reportPowerState, the path a driver uses for changes it observes. */
class Reporter extends SampleDriver {
  fire(uuid, state) {
    this.reportPowerState(uuid, state);
  }
}

export async function measure({ quick }) {
  const uuid = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
  const driver = new Reporter({});
  let seen = 0;
  driver.on('lifecycle', () => void seen++);
  driver.fire(uuid, PowerState.NOSTATE);
  const raw = new EventEmitter();
  raw.on('lifecycle', () => void seen++);
  let flip = false;
  let seq = 0;
  const t = await latencies(
    {
      sdk: () => {
        flip = !flip;
        driver.fire(uuid, flip ? PowerState.RUNNING : PowerState.PAUSED);
      },
      // The baseline builds an equivalent event object, as any useful emitter would.
      raw: () => {
        flip = !flip;
        raw.emit(
          'lifecycle',
          Object.freeze({
            sequence: ++seq,
            instanceUuid: uuid,
            transition: flip ? 'RESUMED' : 'PAUSED',
            state: flip ? 1 : 3,
            previousState: flip ? 3 : 1,
            timestamp: Date.now(),
          }),
        );
      },
    },
    { quick },
  );
  if (seen === 0) throw new Error('no events delivered');
  // events per second: higher is better, so the ratio is sdk rate / raw rate = raw latency / sdk latency
  return [
    ratioFigure(
      'events.sdk_vs_eventemitter3',
      1e9 / t.sdk,
      1e9 / t.raw,
      'events/s',
      '>= 0.8',
      'one listener; SDK path = reportPowerState (dedupe, transition, frozen event, isolated listener)',
    ),
  ];
}
