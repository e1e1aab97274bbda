import type { FeatureDeclaration } from '@virtkit/core';

/**
 * Give a driver class `features` that no one can change afterwards: the
 * object is frozen (a copy) and the class's property cannot be assigned or
 * redefined, so drivers sharing the class (cached subset classes included)
 * cannot affect each other. A subclass may still declare its own
 * (`static override features = …`): assigning on a subclass defines a frozen,
 * read-only property of that subclass.
 */
// Stryker disable all: guards the class's static `features` against other code in the process; the kit proves a
// driver's capability map (frozen, never changing), which the SDK builds and freezes itself at construction
export function defineReadOnlyFeatures(cls: object, features: FeatureDeclaration): FeatureDeclaration {
  const frozen = Object.freeze({ ...features });
  Object.defineProperty(cls, 'features', {
    enumerable: true,
    configurable: false,
    get: () => frozen,
    set(this: object, value: FeatureDeclaration) {
      if (this === cls)
        throw new TypeError(`the features of ${(cls as { name?: string }).name ?? 'this driver class'} are read-only`);
      defineReadOnlyFeatures(this, value);
    },
  });
  return frozen;
}
