// Type tests of the generic method spec (checked by `npm run test:types`, which compiles the workspace from source;
// `@ts-expect-error` marks specs that must NOT compile), plus a run-time check that typed specs install and run.
import 'reflect-metadata';
import { expectTypeOf } from 'expect-type';
import type { LifecycleCapability, PauseCapability } from '../capabilities/lifecycle/interface.js';
import { PauseRequest, PowerOffRequest, RebootRequest } from '../capabilities/lifecycle/requests.js';
import type { InstanceInfo } from '../model/instance-info.js';
import { PowerState } from '../model/power-state.js';
import { HostRequest, InstanceRequest } from './core-requests.js';
import type { CoreCalls } from './driver-base.js';
import type { CallRequest, CallResult, MethodSpec, MethodSpecOf, MethodSpecsOf } from './method-spec.js';

describe('MethodSpec<Req, Res>', () => {
  it('takes its request and result from the call signature', () => {
    expectTypeOf<CallRequest<LifecycleCapability['powerOff']>>().toEqualTypeOf<PowerOffRequest>();
    expectTypeOf<CallResult<LifecycleCapability['powerOff']>>().toEqualTypeOf<void>();
    expectTypeOf<CallResult<CoreCalls['getInfo']>>().toEqualTypeOf<InstanceInfo>();
    // An optional request is still a request type (without `undefined`).
    expectTypeOf<CallRequest<CoreCalls['listInstances']>>().toEqualTypeOf<Record<string, never>>();
    expectTypeOf<MethodSpecOf<LifecycleCapability['reboot']>>().toEqualTypeOf<MethodSpec<RebootRequest, void>>();
  });

  it('checks a declaration against its own call', () => {
    const reboot: MethodSpecOf<LifecycleCapability['reboot']> = {
      hook: '_reboot',
      request: RebootRequest,
      instance: true,
      state: { from: (r) => (r.rebootType === 'SOFT' ? [PowerState.RUNNING] : []), to: PowerState.RUNNING },
    };
    expect(reboot.hook).toBe('_reboot');
    const pause: MethodSpecOf<PauseCapability['pause']> = {
      hook: '_pause',
      // @ts-expect-error -- the request class of another call: a HostRequest is not a PauseRequest
      request: HostRequest,
    };
    const pauseRule: MethodSpecOf<PauseCapability['pause']> = {
      hook: '_pause',
      request: PauseRequest,
      // @ts-expect-error -- a rule reading a field the call's request does not have
      state: { from: [PowerState.RUNNING], noop: (_info, r) => r.rebootType === 'SOFT' },
    };
    const getInfo: MethodSpecOf<CoreCalls['getInfo']> = {
      hook: '_getInfo',
      request: InstanceRequest,
      // @ts-expect-error -- `after` must produce the call's result (an InstanceInfo)
      after: () => 42,
    };
    expect([pause, pauseRule, getInfo]).toHaveLength(3);
  });

  it('lets a table of mixed calls hold typed specs without a cast', () => {
    const typed: MethodSpecsOf<Pick<LifecycleCapability, 'powerOff' | 'reboot'>> = {
      powerOff: { hook: '_powerOff', request: PowerOffRequest, instance: true },
      reboot: { hook: '_reboot', request: RebootRequest, instance: true },
    };
    const table: Readonly<Record<string, MethodSpec>> = typed;
    expect(Object.keys(table)).toEqual(['powerOff', 'reboot']);
  });
});
