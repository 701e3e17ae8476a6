/** The whole database schema (drizzle-kit reads this file; migrations/ is generated from it). */
export * from './schema/sync.ts';
export * from './schema/accounts.ts';
export * from './schema/projects.ts';
export * from './schema/media.ts';
export * from './schema/tasks.ts';
export * from './schema/audit.ts';
export * from './schema/agreement.ts';
