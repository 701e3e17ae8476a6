/**
 * Waveform peaks from the server (`GET /api/media/:id/peaks?format=binary`), at every zoom level.
 *
 * The server stores min/max pairs at several resolutions (level 0 finest, each level halves it)
 * and answers a level for a time range as raw Int8 pairs with X-Peaks-* headers. Here: the first
 * request (the visible range at the level the server picks for the current pixelsPerSecond) gives
 * the level table; after that the level for a zoom is chosen with the server's own rule (the coarsest
 * with at least one pair per device pixel) and fetched in fixed tiles of TILE_PAIRS pairs, cached
 * (LRU) and shared by every redraw. While a tile is on its way, the finest level already cached
 * for that stretch is drawn (at worst the coarsest overview, which is always kept).
 */

export interface PeaksInfo {
  levels: number;
  sampleRate: number;
  samplesPerPeak: number;
  sampleCount: number;
}

interface Tile {
  level: number;
  /** Pair index of data[0..1]. */
  startIndex: number;
  data: Int8Array;
}

/** Pairs per tile (8 KiB). */
export const TILE_PAIRS = 4096;
const MAX_TILES = 256;

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

function header(r: Response, name: string): number {
  const v = Number(r.headers.get(name));
  if (!Number.isFinite(v)) throw new Error(`peaks: bad ${name} header`);
  return v;
}

/** The server's level choice: the coarsest level with at least `pxPerSec` pairs per second. */
export function chooseLevel(info: PeaksInfo, pxPerSec: number): number {
  for (let k = info.levels - 1; k > 0; k--) if (pairsPerSecond(info, k) >= pxPerSec) return k;
  return 0;
}

export function pairsPerSecond(info: PeaksInfo, level: number): number {
  return info.sampleRate / (info.samplesPerPeak * 2 ** level);
}

/** min/max of the pairs covering one pixel column (−127…127), or null when nothing is loaded. */
export interface Column {
  min: number;
  max: number;
}

export class PeaksSource {
  info: PeaksInfo | null = null;
  /** The whole file at the coarsest level (always kept). */
  private overview: Tile | null = null;
  private readonly tiles = new Map<string, Tile>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly failed = new Set<string>();
  private initPromise: Promise<boolean> | null = null;
  /** No waveform for this media (404: no audio), or the request failed. */
  unavailable = false;
  /** Called when new data arrived (redraw). */
  onload: (() => void) | null = null;

  constructor(
    readonly mediaId: string,
    private readonly fetcher: FetchLike = (input, init) => fetch(input, init),
  ) {}

  private url(query: Record<string, string | number>): string {
    const qs = new URLSearchParams({ format: 'binary' });
    for (const [k, v] of Object.entries(query)) qs.set(k, String(v));
    return `/api/media/${encodeURIComponent(this.mediaId)}/peaks?${qs}`;
  }

  /**
   * Loads the level table and the overview (the first request asks for the visible range at the
   * level the server picks for `pxPerSec`); false when the media has no waveform.
   */
  init(view?: { pxPerSec: number; start: number; end: number }): Promise<boolean> {
    this.initPromise ??= (async () => {
      try {
        const query: Record<string, number> =
          view && view.pxPerSec > 0 && view.end > 0
            ? { pixelsPerSecond: view.pxPerSec, start: Math.max(0, view.start), end: Math.max(0, view.end) }
            : {};
        const first = await this.fetcher(this.url(query), { credentials: 'include' });
        if (!first.ok) throw new Error(`peaks: HTTP ${first.status}`);
        const info: PeaksInfo = {
          levels: header(first, 'X-Peaks-Levels'),
          sampleRate: header(first, 'X-Peaks-Sample-Rate'),
          samplesPerPeak: header(first, 'X-Peaks-Samples-Per-Peak'),
          sampleCount: header(first, 'X-Peaks-Sample-Count'),
        };
        const level = header(first, 'X-Peaks-Level');
        const tile: Tile = {
          level,
          startIndex: header(first, 'X-Peaks-Start-Index'),
          data: new Int8Array(await first.arrayBuffer()),
        };
        this.info = info;
        if (level === info.levels - 1) this.overview = tile;
        else {
          this.store(tile, `first:${level}`);
          const r = await this.fetcher(this.url({ level: info.levels - 1 }), { credentials: 'include' });
          if (!r.ok) throw new Error(`peaks: HTTP ${r.status}`);
          this.overview = {
            level: info.levels - 1,
            startIndex: header(r, 'X-Peaks-Start-Index'),
            data: new Int8Array(await r.arrayBuffer()),
          };
        }
        this.onload?.();
        return true;
      } catch {
        this.unavailable = true;
        this.onload?.();
        return false;
      }
    })();
    return this.initPromise;
  }

  /** Duration of the audio (s), once known. */
  get duration(): number | null {
    return this.info ? this.info.sampleCount / this.info.sampleRate : null;
  }

  /** Fetches the tiles of `level` covering media time [t0, t1] that are not cached yet. */
  request(level: number, t0: number, t1: number): void {
    const info = this.info;
    if (!info || level >= info.levels - 1) return;
    const pps = pairsPerSecond(info, level);
    const total = Math.ceil(info.sampleCount / (info.samplesPerPeak * 2 ** level));
    const first = Math.max(0, Math.floor((Math.max(0, t0) * pps) / TILE_PAIRS));
    const last = Math.min(Math.floor((total - 1) / TILE_PAIRS), Math.floor((Math.max(0, t1) * pps) / TILE_PAIRS));
    for (let i = first; i <= last; i++) {
      const key = `${level}:${i}`;
      if (this.tiles.has(key)) {
        // LRU: touch.
        const t = this.tiles.get(key)!;
        this.tiles.delete(key);
        this.tiles.set(key, t);
        continue;
      }
      if (this.pending.has(key) || this.failed.has(key)) continue;
      // A hair past the tile edges: the server floors the start and ceils the end.
      const start = (i * TILE_PAIRS) / pps;
      const end = ((i + 1) * TILE_PAIRS) / pps;
      const job = (async () => {
        try {
          const r = await this.fetcher(this.url({ level, start, end }), { credentials: 'include' });
          if (!r.ok) throw new Error(`peaks: HTTP ${r.status}`);
          this.store(
            { level, startIndex: header(r, 'X-Peaks-Start-Index'), data: new Int8Array(await r.arrayBuffer()) },
            key,
          );
          this.onload?.();
        } catch {
          this.failed.add(key);
        } finally {
          this.pending.delete(key);
        }
      })();
      this.pending.set(key, job);
    }
  }

  /** Resolves when nothing is being fetched (tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()]);
  }

  /**
   * min/max over media time [t0, t1) at `level`, falling back to coarser cached levels; null
   * outside the audio or when nothing covers it yet.
   */
  column(level: number, t0: number, t1: number): Column | null {
    const info = this.info;
    if (!info) return null;
    const dur = info.sampleCount / info.sampleRate;
    if (t1 <= 0 || t0 >= dur) return null;
    for (let k = level; k < info.levels; k++) {
      const c = this.columnAt(k, Math.max(0, t0), Math.min(dur, t1));
      if (c !== null) return c;
    }
    return null;
  }

  private columnAt(level: number, t0: number, t1: number): Column | null {
    const info = this.info!;
    const pps = pairsPerSecond(info, level);
    const p0 = Math.floor(t0 * pps);
    const p1 = Math.max(p0, Math.ceil(t1 * pps) - 1);
    let min = 127;
    let max = -127;
    for (let p = p0; p <= p1;) {
      const tile = this.tileFor(level, p);
      if (tile === null) return null;
      const end = Math.min(p1, tile.startIndex + tile.data.length / 2 - 1);
      for (let q = p; q <= end; q++) {
        const i = (q - tile.startIndex) * 2;
        const lo = tile.data[i];
        const hi = tile.data[i + 1];
        if (lo < min) min = lo;
        if (hi > max) max = hi;
      }
      p = end + 1;
    }
    return max < min ? null : { min, max };
  }

  private tileFor(level: number, pair: number): Tile | null {
    const o = this.overview;
    const inside = (t: Tile | undefined | null): t is Tile =>
      !!t && t.level === level && pair >= t.startIndex && pair < t.startIndex + t.data.length / 2;
    if (inside(o)) return o;
    const first = this.tiles.get(`first:${level}`);
    if (inside(first)) return first;
    const i = Math.floor(pair / TILE_PAIRS);
    for (const j of [i, i - 1, i + 1]) {
      const t = this.tiles.get(`${level}:${j}`);
      if (inside(t)) return t;
    }
    return null;
  }

  private store(tile: Tile, key: string): void {
    this.tiles.set(key, tile);
    while (this.tiles.size > MAX_TILES) {
      const oldest = this.tiles.keys().next().value as string;
      this.tiles.delete(oldest);
    }
  }
}
