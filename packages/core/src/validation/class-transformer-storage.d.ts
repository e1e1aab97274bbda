// Types for the deep import of class-transformer's metadata storage (the package ships no typings for it).
declare module 'class-transformer/cjs/storage.js' {
  export const defaultMetadataStorage: {
    findTypeMetadata(target: Function, propertyName: string): { typeFunction: (options?: unknown) => Function } | undefined;
    /** `transformationType`: 0 plain-to-class, 1 class-to-plain, 2 class-to-class. */
    findTransformMetadatas(target: Function, propertyName: string, transformationType: number): unknown[];
  };
}
