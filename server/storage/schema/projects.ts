import type { Role, Taxonomy, Tier } from '../../../shared/model/index.ts';
import type { ProjectSettings } from '../../../shared/domain/project.ts';
import { integer, jsonb, pgTable, primaryKey, text, timestamp, index } from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';

/**
 * A project: its taxonomy and tiers are plain JSON validated as a whole by shared/model (cycles,
 * orphan references and hotkeys are properties of the whole set, not of one row), replaced
 * together under optimistic concurrency (`revision`).
 */
export const projects = pgTable('projects', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  taxonomy: jsonb('taxonomy').$type<Taxonomy>().notNull(),
  tiers: jsonb('tiers').$type<Tier[]>().notNull(),
  settings: jsonb('settings').$type<ProjectSettings>().notNull(),
  revision: integer('revision').notNull().default(1),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export const projectMembers = pgTable(
  'project_members',
  {
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    /** Free-form qualifications (e.g. `linguist`) that tiers may require for editing. */
    skills: jsonb('skills').$type<string[]>().notNull().default([]),
    addedAt: timestamp('added_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_members_user_idx').on(t.userId)],
);
