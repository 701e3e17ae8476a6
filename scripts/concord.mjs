#!/usr/bin/env node
// The `concord` operator CLI as a bin: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/concord.ts');
await main();
