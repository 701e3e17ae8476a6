// y-leveldb ships types, but its package.json "exports" has no "types" condition, so
// moduleResolution "bundler" cannot find them. Only what the bench uses.
declare module 'y-leveldb' {
  export class LeveldbPersistence {
    constructor(location: string);
    storeUpdate(docName: string, update: Uint8Array): Promise<number>;
    destroy(): Promise<void>;
  }
}
