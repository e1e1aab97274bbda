// The mixin pattern's `any`, named once. Every other `any` in core's capabilities is one of these two.

/**
 * The composed driver as a capability's default hooks and guarded bodies (`around`) see it: they run as the
 * driver and call its hooks (`_destroy`, `_getInfo`, ...), which are protected members of a class the vendor has
 * not written yet. No type outside that class can reach them, so this is `any`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern (see above)
export type MixinSelf = any;

/** The rest parameter of a mixin shape's constructor: TypeScript accepts a class as a mixin base only with `any[]`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern (see above)
export type MixinArgs = any[];
