import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HostAggregatesCapability } from '../interface.js';
import { AddToAggregateRequest, RemoveFromAggregateRequest, UndoAggregateOperationRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `host.aggregates`. */
export declare abstract class HostAggregatesShape {
  constructor(...args: MixinArgs);
  /** Add the host to the backend pool behind the aggregate. */
  protected abstract _addToAggregate(ctx: OperationContext, request: AddToAggregateRequest): Promise<void>;
  /** Remove the host from that pool. */
  protected abstract _removeFromAggregate(ctx: OperationContext, request: RemoveFromAggregateRequest): Promise<void>;
  /** Undo the backend side of the failed change and call `request.revert()` for the orchestrator's side. */
  protected abstract _undoAggregateOperation(
    ctx: OperationContext,
    request: UndoAggregateOperationRequest,
  ): Promise<void>;
}
export interface HostAggregatesShape extends Sealed<HostAggregatesCapability> {}

/** The declaration of `host.aggregates`: its calls, hooks, rules and place in the contract. */
export const HOST_AGGREGATES_CAPABILITY = declareCapability<HostAggregatesCapability>()({
  name: 'host.aggregates',
  family: 'host',
  description: 'backends that mirror host aggregates as hypervisor pools.',
  status: 'optional',
  methods: {
    addToAggregate: { hook: '_addToAggregate', request: AddToAggregateRequest },
    removeFromAggregate: { hook: '_removeFromAggregate', request: RemoveFromAggregateRequest },
    undoAggregateOperation: { hook: '_undoAggregateOperation', request: UndoAggregateOperationRequest },
  },
  calls: [
    {
      referenceName: 'add_to_aggregate',
      method: 'addToAggregate',
      kind: 'required',
      summary: 'Join the host to a host aggregate, when the hypervisor itself pools hosts.',
    },
    {
      referenceName: 'remove_from_aggregate',
      method: 'removeFromAggregate',
      kind: 'required',
      summary: 'Take the host out of a host aggregate.',
    },
    {
      referenceName: 'undo_aggregate_operation',
      method: 'undoAggregateOperation',
      kind: 'required',
      summary: 'Roll back an aggregate change that failed half way.',
    },
  ],
});

/** Adds `host.aggregates` to a driver class. */
export const withHostAggregates = defineCapability<typeof HostAggregatesShape>(HOST_AGGREGATES_CAPABILITY);
