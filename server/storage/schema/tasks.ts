import type { AssignmentRole, LayerKind, TaskStatus } from '../../../shared/domain/task.ts';
import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { media } from './media.ts';
import { projects } from './projects.ts';

export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status').$type<TaskStatus>().notNull().default('open'),
    /**
     * The last rejection: reason, reviewer and time. Kept while the annotators rework the task
     * (they read it on the task page and in their queue), cleared when it is submitted again.
     */
    rejectionReason: text('rejection_reason'),
    rejectedBy: text('rejected_by').references(() => users.id, { onDelete: 'set null' }),
    rejectedAt: timestamp('rejected_at', { withTimezone: true, precision: 3 }),
    /** Who started (or reopened) the review in progress: the review queue shows it to them. */
    reviewBy: text('review_by').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('tasks_project_idx').on(t.projectId, t.createdAt)],
);

/** The media bundle of a task: one timeline, each file shifted by `offsetSec`. */
export const taskMedia = pgTable(
  'task_media',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    mediaId: text('media_id')
      .notNull()
      .references(() => media.id, { onDelete: 'restrict' }),
    offsetSec: doublePrecision('offset_sec').notNull().default(0),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.mediaId] })],
);

/** Who works on a task; annotators submit individually (reveal-after-submit reads this). */
export const assignments = pgTable(
  'assignments',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<AssignmentRole>().notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true, precision: 3 }),
    assignedAt: timestamp('assigned_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.userId] }), index('assignments_user_idx').on(t.userId)],
);

/**
 * The Yjs documents of a task: one layer per assigned annotator plus one gold layer. The
 * document of a layer is `layers/<id>`; the task's shared document is `tasks/<taskId>`.
 */
export const layers = pgTable(
  'layers',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<LayerKind>().notNull(),
    /** The annotator who owns it; null for gold. */
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // One gold layer per task (user null): NULLS NOT DISTINCT makes the nulls collide.
  (t) => [unique('layers_task_kind_user_key').on(t.taskId, t.kind, t.userId).nullsNotDistinct()],
);
