import { MemoryDocumentStore } from '../../../server/storage/memory-store.ts';
import { storageContract } from './contract.ts';

storageContract('in-memory', async () => ({ store: new MemoryDocumentStore(), close: async () => {} }));
