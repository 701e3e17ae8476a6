import { access, constants } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import { ApiError } from '../errors.ts';
import type { VoiceConfig } from './config.ts';
import { resolveWorkerBin } from './mediasoup.ts';
import { VoiceRoom } from './room.ts';
import { WorkerPool } from './workers.ts';

/**
 * Voice for live sessions: the mediasoup workers and one room (router) per session, created on
 * first use and closed when its last participant leaves or the session ends.
 *
 * Fails soft: when voice is off or no worker starts, `available` is false, one log line says why,
 * and every voice request answers `voice_unavailable` — the rest of the server is unaffected.
 */
export class VoiceService {
  readonly #rooms = new Map<string, Promise<VoiceRoom>>();
  #pool: WorkerPool | null = null;
  #unavailableReason: string;
  #started: Promise<void> | null = null;

  constructor(
    private readonly config: VoiceConfig,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#unavailableReason = 'voice has not started';
  }

  get available(): boolean {
    return this.#pool !== null && this.#pool.size > 0;
  }

  /** Why voice is unavailable (for the status message and the log). */
  get unavailableReason(): string | null {
    return this.available ? null : this.#unavailableReason;
  }

  /**
   * Starts the workers in the background (the server does not wait for them); requests wait for
   * `ready`. Settles, never rejects.
   */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  /** Settled once start() finished (voice then available or not); resolves at once if never started. */
  get ready(): Promise<void> {
    return this.#started ?? Promise.resolve();
  }

  async #start(): Promise<void> {
    if (!this.config.enabled) {
      this.#unavailableReason = 'voice is off (VOICE=off)';
      this.log.info('voice off (VOICE=off)');
      return;
    }
    try {
      const bin = await resolveWorkerBin(this.config.workerBin);
      await access(bin, constants.X_OK).catch(() => {
        throw new Error(`no executable mediasoup worker at ${bin}`);
      });
      this.#pool = await WorkerPool.start(bin, this.config, this.log);
      this.log.info({ workers: this.#pool.size, workerBin: bin }, 'voice available');
    } catch (err) {
      this.#unavailableReason = 'the media server (mediasoup worker) could not start';
      // The one clear line an operator needs; the server carries on without voice.
      this.log.error(
        `voice unavailable: ${err instanceof Error ? err.message : String(err)} ` +
          '(set MEDIASOUP_WORKER_BIN; scripts/mediasoup/worker-path.sh builds one)',
      );
    }
  }

  /** The session's room, created on first use. */
  async room(sessionId: string): Promise<VoiceRoom> {
    await this.ready;
    const pool = this.#pool;
    if (pool === null || pool.size === 0) {
      throw new ApiError('VoiceUnavailable', `voice is not available: ${this.#unavailableReason}`);
    }
    const existing = this.#rooms.get(sessionId);
    if (existing !== undefined) return existing;
    const { worker, release } = pool.acquire();
    const created = VoiceRoom.create(sessionId, worker, this.config, this.log).then(
      (room) => {
        room.router.observer.once('close', () => {
          release();
          if (this.#rooms.get(sessionId) === created) this.#rooms.delete(sessionId);
        });
        return room;
      },
      (err: unknown) => {
        release();
        this.#rooms.delete(sessionId);
        throw err;
      },
    );
    this.#rooms.set(sessionId, created);
    return created;
  }

  /** The room if one exists (no creation). */
  async existingRoom(sessionId: string): Promise<VoiceRoom | undefined> {
    const room = await this.#rooms.get(sessionId)?.catch(() => undefined);
    return room === undefined || room.closed ? undefined : room;
  }

  /**
   * A connection left (the call, the session, or dropped): tear down what it held; the last
   * one out closes the room. Returns ids of anything the router's dump still listed.
   */
  async leave(sessionId: string, connectionId: string): Promise<string[]> {
    const room = await this.existingRoom(sessionId);
    if (room === undefined) return [];
    const leaked = await room.leave(connectionId);
    if (room.peers.size === 0) room.close('empty');
    return leaked;
  }

  /** The session ended: its call closes with everything in it. */
  async end(sessionId: string): Promise<void> {
    const room = await this.existingRoom(sessionId);
    room?.close('session ended');
  }

  /** The router's dump of a session's call (tests and diagnostics), or undefined without one. */
  async dump(sessionId: string): Promise<types.RouterDump | undefined> {
    const room = await this.existingRoom(sessionId);
    return room?.router.dump();
  }

  async close(): Promise<void> {
    await this.ready;
    for (const pending of this.#rooms.values()) {
      const room = await pending.catch(() => undefined);
      room?.close('server shutting down');
    }
    this.#rooms.clear();
    this.#pool?.close();
    this.#pool = null;
    this.#unavailableReason = 'the server is shutting down';
  }
}
