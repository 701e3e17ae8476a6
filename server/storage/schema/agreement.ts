import type { TaskReport } from '../../../shared/agreement/index.ts';
import { bigserial, doublePrecision, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { projects } from './projects.ts';
import { tasks } from './tasks.ts';

/**
 * Agreement reports as they were computed (live, throttled), so the project's trend and drift
 * survive restarts. `headline` is copied out of the report for cheap time series.
 */
export const agreementReports = pgTable(
  'agreement_reports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    computedAt: timestamp('computed_at', { withTimezone: true, precision: 3 }).notNull(),
    headline: doublePrecision('headline'),
    report: jsonb('report').$type<TaskReport>().notNull(),
  },
  (t) => [
    index('agreement_reports_project_idx').on(t.projectId, t.computedAt),
    index('agreement_reports_task_idx').on(t.taskId, t.computedAt),
  ],
);
