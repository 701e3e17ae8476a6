import { execFile, spawn } from 'node:child_process';

/** External programs the media module may use; everything has a fallback or a clear error. */
export type ToolName = 'ffprobe' | 'ffmpeg';

export interface ToolPaths {
  ffprobePath?: string;
  ffmpegPath?: string;
}

// Availability is cached per executable path: spawning `-version` on every probe would cost a
// process per upload, and tests pass bogus paths, so the key must be the path, not the tool name.
const availability = new Map<string, Promise<boolean>>();

/** Resolves the executable for a tool: explicit option, then environment, then $PATH lookup. */
export function toolPath(tool: ToolName, paths: ToolPaths = {}): string {
  if (tool === 'ffprobe') return paths.ffprobePath ?? process.env.FFPROBE_PATH ?? 'ffprobe';
  return paths.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg';
}

/** True when `<executable> -version` runs successfully; cached for the life of the process. */
export function isToolAvailable(executable: string): Promise<boolean> {
  let cached = availability.get(executable);
  if (!cached) {
    cached = new Promise<boolean>((resolve) => {
      execFile(executable, ['-version'], { timeout: 10_000 }, (error) => resolve(!error));
    });
    availability.set(executable, cached);
  }
  return cached;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool with an argument array (never a shell) and a timeout, buffering its output.
 * Only for small outputs such as ffprobe JSON; decoding uses {@link spawnTool} and streams.
 */
export function runTool(executable: string, args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      executable,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** Spawns a long-running tool whose stdout is consumed as a stream; killed after `timeoutMs`. */
export function spawnTool(executable: string, args: readonly string[], timeoutMs: number) {
  return spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
}
