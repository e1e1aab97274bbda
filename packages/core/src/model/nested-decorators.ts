import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';

/** The class a nested field holds (what `@Type` is given). */
type NestedClass = () => abstract new (...args: never[]) => unknown;

// The four ways a request nests a declared class, each written once. Each helper registers exactly the decorators
// its name spells, in the order TypeScript applies a written chain (the last one first), so the validator's
// metadata is the same as for the chain written out.

/** Apply decorators as TypeScript applies `@a @b @c` (c, then b, then a). */
function chain(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of [...decorators].reverse()) decorate(target, key);
  };
}

/** `@IsDefined() @IsObject() @ValidateNested() @Type(cls)`: a required object of class `cls`, validated in depth. */
export function NestedObject(cls: NestedClass): PropertyDecorator {
  return chain(IsDefined(), IsObject(), ValidateNested(), Type(cls));
}

/** `@IsOptional() @IsObject() @ValidateNested() @Type(cls)`: an optional object of class `cls`. */
export function OptionalNestedObject(cls: NestedClass): PropertyDecorator {
  return chain(IsOptional(), IsObject(), ValidateNested(), Type(cls));
}

/** `@IsArray() @ValidateNested({ each: true }) @Type(cls)`: a required array of objects of class `cls`. */
export function NestedArray(cls: NestedClass): PropertyDecorator {
  return chain(IsArray(), ValidateNested({ each: true }), Type(cls));
}

/** `@IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(cls)`: an optional array of `cls` objects. */
export function OptionalNestedArray(cls: NestedClass): PropertyDecorator {
  return chain(IsOptional(), IsArray(), ValidateNested({ each: true }), Type(cls));
}
