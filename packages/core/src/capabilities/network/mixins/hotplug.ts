import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { applyStateRule } from '../../../driver/guarded-call.js';
import type { HookCall, StateRule } from '../../../driver/method-spec.js';
import { ValidationError } from '../../../errors/errors.js';
import { PowerState } from '../../../model/power-state.js';
import type { NetworkHotplugCapability } from '../interface.js';
import { AttachInterfaceRequest, DetachInterfaceRequest } from '../requests.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

/** Power states in which interfaces may be hot-plugged or unplugged. */
const HOTPLUG_RULE: StateRule = { from: [PowerState.RUNNING, PowerState.PAUSED, PowerState.SHUTDOWN] };

/** Public calls and hooks of `network.hotplug`. */
export declare abstract class NetworkHotplugShape {
  constructor(...args: MixinArgs);
  /**
   * Add the interface (plug it on the host, then into the guest). Called only
   * from RUNNING, PAUSED or SHUTDOWN. Must succeed without change when the
   * VIF (same id) is already attached.
   */
  protected abstract _attachInterface(ctx: OperationContext, request: AttachInterfaceRequest): Promise<void>;
  /**
   * Remove the interface from the guest, then unplug it on the host. Called
   * only from RUNNING, PAUSED or SHUTDOWN. Must succeed when it is not attached.
   */
  protected abstract _detachInterface(ctx: OperationContext, request: DetachInterfaceRequest): Promise<void>;
}
export interface NetworkHotplugShape extends Sealed<NetworkHotplugCapability> {}

/** The declaration of `network.hotplug`: its calls, hooks, rules and place in the contract. */
export const NETWORK_HOTPLUG_CAPABILITY = declareCapability<NetworkHotplugCapability>()({
  name: 'network.hotplug',
  family: 'network',
  description:
    'add or remove one interface of an existing instance. Allowed in RUNNING, PAUSED and ' +
    'SHUTDOWN; other states are `INVALID_STATE`. Requires `network`.',
  status: 'optional',
  requires: ['lifecycle', 'network'],
  methods: {
    attachInterface: {
      hook: '_attachInterface',
      request: AttachInterfaceRequest,
      instance: true,
      around: guardedAttach,
    },
    detachInterface: { hook: '_detachInterface', request: DetachInterfaceRequest, instance: true, state: HOTPLUG_RULE },
  },
  features: {
    taggedInterfaceAttach: {
      trait: 'COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG',
      description: 'interface attach accepts a device tag',
    },
  },
  trait: 'COMPUTE_NET_ATTACH_INTERFACE',
  calls: [
    {
      referenceName: 'attach_interface',
      method: 'attachInterface',
      kind: 'required',
      summary: 'Add a network interface to the guest.',
    },
    {
      referenceName: 'detach_interface',
      method: 'detachInterface',
      kind: 'required',
      summary: 'Remove a network interface from the guest.',
    },
  ],
});

/** Adds `network.hotplug` to a driver class (apply after `withLifecycle` and `withNetwork`). */
export const withNetworkHotplug = defineCapability<typeof NetworkHotplugShape>(NETWORK_HOTPLUG_CAPABILITY);

/**
 * Refuse a device tag the driver cannot honour (it would be silently dropped),
 * then apply the hotplug state rule: here, not in the spec, so the tag is
 * refused before the instance is read.
 */
async function guardedAttach(
  driver: MixinSelf,
  ctx: OperationContext,
  req: AttachInterfaceRequest,
  callHook: HookCall,
): Promise<void> {
  if (req.vif.tag !== undefined && driver.capabilities.features.taggedInterfaceAttach === 'unsupported') {
    throw new ValidationError('attachInterface', [
      {
        path: 'vif.tag',
        messages: ['this driver does not support tagged interface attach (feature taggedInterfaceAttach)'],
      },
    ]);
  }
  await applyStateRule(driver, ctx, 'attachInterface', HOTPLUG_RULE, req);
  await callHook();
}
