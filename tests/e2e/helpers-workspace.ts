/**
 * Helpers for the workspace e2e test: a real server with a project made through the server's own
 * functions (the demo's taxonomy and tiers, its video and speech track), people signed in by
 * their session cookie (POST /api/auth/sign-in from the browser context), and typed access to the
 * workspace's read-only test hook (`window.__concordWorkspace`, see web/lib/workspace).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUser, type PublicUser } from '../../server/accounts/accounts.ts';
import { DEMO_MEDIA, DEMO_TAXONOMY, DEMO_TIERS } from '../../server/demo/seed.ts';
import { MediaService } from '../../server/media/service.ts';
import { MediaStore } from '../../server/media/store.ts';
import { createProject, setMember } from '../../server/projects/projects.ts';
import { createTask } from '../../server/tasks/tasks.ts';
import type { VisibilityMode } from '../../shared/domain/project.ts';
import type { Role } from '../../shared/model/tier.ts';
import type { TestServer } from '../helpers/server.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIR = join(ROOT, 'build/web');
export const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
export const PASSWORD = 'workspace correct horse';

export interface Person extends PublicUser {
  username: string;
}

let n = 0;

export async function person(server: TestServer, name: string, displayName: string): Promise<Person> {
  const username = `${name}-${++n}-${Math.random().toString(36).slice(2, 6)}`;
  const user = await createUser(server.app.database.db, { username, displayName, password: PASSWORD }, null);
  return { ...user, username };
}

export interface Media {
  video: string;
  speech: string;
}

/** Uploads the demo video and speech track into a project (probe and peaks included). */
export async function uploadDemoMedia(server: TestServer, dataDir: string, projectId: string, actorId: string) {
  const service = new MediaService(server.app.database.db, new MediaStore(dataDir));
  const upload = (filename: string) =>
    service.upload({
      projectId,
      actorId,
      filename,
      source: createReadStream(`${DEMO_MEDIA}${filename}`),
      maxBytes: 64 * 1024 * 1024,
    });
  const video = await upload('demo.mp4');
  const speech = await upload('speech.wav');
  return { video: video.id, speech: speech.id } satisfies Media;
}

export interface Setup {
  projectId: string;
  taskId: string;
  media: Media;
}

/**
 * A project with the demo schema in `visibility` mode, `members` with roles (and the linguist
 * skill, so they may edit the transcript tier), the demo media, and one task.
 */
export async function makeProject(
  server: TestServer,
  dataDir: string,
  opts: {
    name: string;
    manager: Person;
    visibility: VisibilityMode;
    members: Array<{ who: Person; role: Role }>;
    annotators: Person[];
    reviewers: Person[];
  },
): Promise<Setup> {
  const db = server.app.database.db;
  const project = await createProject(
    db,
    { name: opts.name, taxonomy: DEMO_TAXONOMY, tiers: DEMO_TIERS, settings: { visibility: opts.visibility } },
    opts.manager.id,
  );
  for (const m of opts.members) await setMember(db, project.id, m.who.id, m.role, ['linguist'], opts.manager.id);
  const media = await uploadDemoMedia(server, dataDir, project.id, opts.manager.id);
  const task = await createTask(
    db,
    project.id,
    {
      name: `${opts.name} task`,
      media: [{ mediaId: media.video }, { mediaId: media.speech, offsetSec: 0 }],
      annotators: opts.annotators.map((p) => p.id),
      reviewers: opts.reviewers.map((p) => p.id),
    },
    opts.manager.id,
  );
  return { projectId: project.id, taskId: task.id, media };
}

const cookies = new WeakMap<TestServer, Map<string, string>>();

/**
 * A session cookie (`name=value`) of `who`, for `server.app.inject` calls outside a browser;
 * one sign-in per user and server (sign-in is rate-limited).
 */
export async function sessionCookie(server: TestServer, who: Person): Promise<string> {
  let known = cookies.get(server);
  if (!known) cookies.set(server, (known = new Map()));
  const cached = known.get(who.id);
  if (cached) return cached;
  const r = await server.app.inject({
    method: 'POST',
    url: '/api/auth/sign-in',
    payload: { username: who.username, password: PASSWORD },
  });
  if (r.statusCode !== 200) throw new Error(`sign-in of ${who.username}: HTTP ${r.statusCode}`);
  const cookie = String(r.headers['set-cookie']).split(';')[0]!;
  known.set(who.id, cookie);
  return cookie;
}

/** A browser context signed in as `who` (session cookie from POST /api/auth/sign-in). */
export async function signedIn(browser: Browser, server: TestServer, who: Person): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.httpUrl, viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  const r = await context.request.post('/api/auth/sign-in', { data: { username: who.username, password: PASSWORD } });
  if (r.status() !== 200) throw new Error(`sign-in of ${who.username}: HTTP ${r.status()}`);
  return context;
}

/**
 * The signed-in browser contexts one test file opens, and every uncaught page error they raise
 * (each test file ends by expecting none).
 */
export class Visitors {
  readonly pageErrors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  async open(browser: Browser, server: TestServer, who: Person): Promise<{ context: BrowserContext; page: Page }> {
    const context = await signedIn(browser, server, who);
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => this.pageErrors.push(`${who.username}: ${error.message}`));
    return { context, page };
  }

  async closeAll(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
  }
}

// ── the workspace's test hook ──────────────────────────────────────────────────────────────

export interface HookItem {
  id: string;
  start: number;
  end: number;
  label: string | null;
  text: string;
}

export interface HookLane {
  id: string;
  label: string;
  layerId: string;
  tierId: string;
  editable: boolean;
  items: HookItem[];
}

export interface HookState {
  playhead: number;
  selection: { start: number; end: number } | null;
  selected: Array<{ layerId: string; id: string }>;
  activeLaneId: string | null;
  canUndo: boolean;
  canRedo: boolean;
  peers: Array<{ userId: string; name: string; playhead: number | null; laneId: string | null }>;
  docs: Array<{ name: string; status: string; unsynced: number; unsaved: number }>;
  layers: Array<{ id: string; kind: string; userId: string | null; access: string; docName: string }>;
}

interface Hook {
  lanes(): HookLane[];
  items(laneId: string): HookItem[];
  point(laneId: string, t: number): { x: number; y: number } | null;
  state(): HookState;
}

type HookWindow = { __concordWorkspace?: Hook };

/** Opens the task's workspace and waits until every document is in sync. */
export async function openWorkspace(page: Page, taskId: string): Promise<void> {
  await page.goto(`/tasks/${taskId}`);
  await page.getByTestId('workspace').waitFor();
  await page.waitForFunction(() => {
    const hook = (window as unknown as HookWindow).__concordWorkspace;
    const docs = hook?.state().docs ?? [];
    return docs.length > 0 && docs.every((d) => d.status === 'synced' || d.status === 'read-only');
  });
}

export function lanes(page: Page): Promise<HookLane[]> {
  return page.evaluate(() => (window as unknown as HookWindow).__concordWorkspace!.lanes());
}

export function items(page: Page, laneId: string): Promise<HookItem[]> {
  return page.evaluate((id) => (window as unknown as HookWindow).__concordWorkspace!.items(id), laneId);
}

export function state(page: Page): Promise<HookState> {
  return page.evaluate(() => (window as unknown as HookWindow).__concordWorkspace!.state());
}

export async function point(page: Page, laneId: string, t: number): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(
    ([id, time]) => (window as unknown as HookWindow).__concordWorkspace!.point(id as string, time as number),
    [laneId, t] as const,
  );
  if (p === null) throw new Error(`no lane ${laneId}`);
  return p;
}

/**
 * Polls `probe` (every `interval` ms, no fixed sleeps) until it returns something other than
 * null/undefined/false; returns that. Throws with `what` after `timeout` ms.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  options: { timeout?: number; interval?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null && v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, options.interval ?? 20));
  }
}

/** The lane of `layerId`'s tier. */
export function laneOf(layerId: string, tierId: string): string {
  return `${layerId}/${tierId}`;
}
