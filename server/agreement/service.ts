import { readFile } from 'node:fs/promises';
import { and, asc, desc, eq, gte } from 'drizzle-orm';
import {
  projectReport,
  type AgreementSettings,
  type ProjectReport,
  type Resolution,
  type TaskReport,
} from '../../shared/agreement/index.ts';
import { layerDocName } from '../../shared/domain/doc-names.ts';
import type { ProjectSettings } from '../../shared/domain/project.ts';
import type { MediaService } from '../media/service.ts';
import { parseTranscript, transcriptText } from '../media/transcript.ts';
import type { Database } from '../storage/database.ts';
import { annotatorTierIds } from '../tasks/layer-tiers.ts';
import { agreementReports, layers, media, projects, taskMedia, tasks } from '../storage/schema.ts';
import type { TaskContext } from './live.ts';

/** The user id the agreement report uses for the gold layer (it has no owner). */
export const GOLD_USER = 'gold';

/** Project agreement settings (shared/domain) → the metrics' settings, with the task's resolution. */
export function agreementSettings(s: ProjectSettings['agreement']): Partial<AgreementSettings> {
  return {
    iouThreshold: s.iouThreshold,
    eventToleranceSeconds: s.eventToleranceSec,
    ...(s.resolution.unit === 'ms' && { resolution: { unit: 'ms', ms: s.resolution.ms } }),
  };
}

/**
 * The database side of agreement: what a task's report is computed from, and the stored reports
 * (throttled: at most one row per task per `storeIntervalMs`, the latest always lands).
 */
export class AgreementStore {
  private readonly lastStored = new Map<string, number>();
  private readonly pending = new Map<string, { report: TaskReport; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly db: Database,
    private readonly media: MediaService,
    private readonly storeIntervalMs: number,
  ) {}

  async taskContext(taskId: string): Promise<TaskContext> {
    const [row] = await this.db
      .select({ task: tasks, project: projects })
      .from(tasks)
      .innerJoin(projects, eq(projects.id, tasks.projectId))
      .where(eq(tasks.id, taskId));
    if (!row) throw new Error(`no task ${taskId}`);
    const [layerRows, bundle] = await Promise.all([
      this.db.select().from(layers).where(eq(layers.taskId, taskId)),
      this.db
        .select({ tm: taskMedia, m: media })
        .from(taskMedia)
        .innerJoin(media, eq(media.id, taskMedia.mediaId))
        .where(eq(taskMedia.taskId, taskId))
        .orderBy(asc(taskMedia.position)),
    ]);
    const { settings } = row.project;
    const tierIdsOf = await annotatorTierIds(
      this.db,
      row.project,
      layerRows.flatMap((l) => (l.kind === 'annotator' && l.userId ? [l.userId] : [])),
    );
    const video = bundle.find((b) => b.m.kind === 'video' && b.m.info.frameRate);
    const resolution: Resolution | null =
      settings.agreement.resolution.unit === 'frame' && video?.m.info.frameRate
        ? { unit: 'frame', fps: video.m.info.frameRate }
        : null;
    const durations = bundle.filter((b) => b.m.kind !== 'text').map((b) => b.tm.offsetSec + b.m.info.durationSec);
    const texts: Record<string, string> = {};
    for (const b of bundle) {
      if (b.m.kind !== 'text') continue;
      const raw = await readFile(this.media.pathOf(b.m), 'utf8');
      texts[b.m.id] = transcriptText(parseTranscript(raw, `transcript.${b.m.ext}`));
    }
    return {
      taskId,
      projectId: row.project.id,
      tiers: row.project.tiers,
      taxonomy: row.project.taxonomy,
      settings: agreementSettings(settings.agreement),
      resolution,
      mediaDuration: durations.length ? Math.max(...durations) : null,
      texts,
      layers: layerRows
        .filter((l) => l.kind === 'gold' || l.userId !== null)
        .map((l) => ({
          layerId: l.id,
          userId: l.userId ?? GOLD_USER,
          kind: l.kind,
          docName: layerDocName(l.id),
          tierIds: l.kind === 'annotator' && l.userId ? (tierIdsOf.get(l.userId) ?? null) : null,
        })),
    };
  }

  /** Stores now if the task's last row is old enough, else once the interval has passed. */
  store(report: TaskReport, now = Date.now()): Promise<void> {
    const taskId = report.taskId;
    if (!taskId || !report.projectId) return Promise.resolve();
    const last = this.lastStored.get(taskId) ?? 0;
    if (now - last >= this.storeIntervalMs) {
      this.lastStored.set(taskId, now);
      return this.save(report);
    }
    const waiting = this.pending.get(taskId);
    if (waiting) {
      waiting.report = report;
      return Promise.resolve();
    }
    const timer = setTimeout(
      () => {
        const p = this.pending.get(taskId);
        this.pending.delete(taskId);
        if (!p) return;
        this.lastStored.set(taskId, Date.now());
        this.save(p.report).catch(() => {});
      },
      last + this.storeIntervalMs - now,
    );
    timer.unref();
    this.pending.set(taskId, { report, timer });
    return Promise.resolve();
  }

  /** Writes every waiting report (shutdown). */
  async flush(): Promise<void> {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      clearTimeout(p.timer);
      await this.save(p.report);
    }
  }

  /** Stores a report now, unthrottled. */
  async save(report: TaskReport): Promise<void> {
    await this.db.insert(agreementReports).values({
      taskId: report.taskId!,
      projectId: report.projectId!,
      computedAt: new Date(report.computedAt),
      headline: report.headline.value,
      report,
    });
  }

  /** The latest stored report of every task of a project and the series since `since`. */
  async projectReport(projectId: string, since: Date): Promise<ProjectReport> {
    const rows = await this.db
      .select({ report: agreementReports.report })
      .from(agreementReports)
      .where(and(eq(agreementReports.projectId, projectId), gte(agreementReports.computedAt, since)))
      .orderBy(desc(agreementReports.computedAt))
      .limit(5000);
    return projectReport(
      rows.map((r) => r.report),
      { projectId },
    );
  }

  /** Tasks of a project with no stored report yet (computed on demand by the caller). */
  async tasksWithoutReport(projectId: string): Promise<string[]> {
    const all = await this.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.projectId, projectId));
    const done = await this.db
      .selectDistinct({ id: agreementReports.taskId })
      .from(agreementReports)
      .where(eq(agreementReports.projectId, projectId));
    const have = new Set(done.map((d) => d.id));
    return all.map((t) => t.id).filter((id) => !have.has(id));
  }
}
