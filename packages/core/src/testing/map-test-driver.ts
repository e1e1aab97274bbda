// Test support for the family tests (never exported from the package): the smallest real lifecycle driver.
import { DriverBase } from '../driver/driver-base.js';
import { InstanceNotFoundError } from '../errors/errors.js';
import { withLifecycle } from '../capabilities/lifecycle/mixins/lifecycle.js';
import type { InstanceInfo } from '../model/instance-info.js';
import { PowerState } from '../model/power-state.js';

type Req = { instance: { uuid: string }; powerOn?: boolean };

/** Keeps power states in a map; `calls` records hook names for assertions. */
export class MapTestDriver extends withLifecycle(DriverBase) {
  states = new Map<string, PowerState>();
  calls: string[] = [];
  protected async _initHost(): Promise<void> {}
  // typed as DriverBase's hook (a subclass may answer synchronously); this one always answers with a promise
  protected _getInfo(_c: unknown, r: Req): InstanceInfo | Promise<InstanceInfo> {
    const state = this.states.get(r.instance.uuid);
    if (state === undefined) return Promise.reject(new InstanceNotFoundError(r.instance.uuid));
    return Promise.resolve({ state });
  }
  protected async _listInstances() {
    return [...this.states.keys()].map((uuid) => ({ uuid, name: uuid }));
  }
  protected async _getAvailableNodes() {
    return ['n1'];
  }
  protected async _getHostIp() {
    return '127.0.0.1';
  }
  protected async _spawn(_c: unknown, r: Req) {
    this.states.set(r.instance.uuid, r.powerOn === false ? PowerState.SHUTDOWN : PowerState.RUNNING);
  }
  protected async _destroy(_c: unknown, r: Req) {
    this.states.delete(r.instance.uuid);
  }
  protected async _reboot(_c: unknown, r: Req) {
    this.states.set(r.instance.uuid, PowerState.RUNNING);
  }
  protected async _powerOff(_c: unknown, r: Req) {
    this.states.set(r.instance.uuid, PowerState.SHUTDOWN);
  }
  protected async _powerOn(_c: unknown, r: Req) {
    this.states.set(r.instance.uuid, PowerState.RUNNING);
  }
}
