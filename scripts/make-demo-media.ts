/**
 * Generates the demo project's media: a 40.04 s (1200 frames at 30000/1001) 640×360 H.264/AAC
 * clip of SMPTE colour bars with a burnt-in timecode, carrying a two-voice espeak-ng dialogue
 * over a quiet 220 Hz tone; plus the transcript (JSON + WebVTT) and the speech alone as WAV.
 *
 *   node --import tsx scripts/make-demo-media.ts [outDir]   (default tests/fixtures/media/demo)
 *
 * Deterministic: timings come only from the script below and the length of each synthesised line,
 * which espeak-ng produces identically for the same version and voice.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeWavMono, readWavFormat } from '../server/media/wav.ts';

const FPS = { num: 30000, den: 1001 };
const FRAMES = 1200;
/** Exactly FRAMES frames, so the container duration and the frame count agree. */
export const DEMO_DURATION_SEC = (FRAMES * FPS.den) / FPS.num;
const AUDIO_RATE = 48000;
// Telephone band, 8-bit: keeps the committed WAV at ~320 KB; waveform peaks are Int8 anyway.
const SPEECH_WAV_RATE = 8000;
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

const VOICES = { Ada: 'en+f3', Ben: 'en+m3' } as const;
type Speaker = keyof typeof VOICES;

/** The dialogue; `pause` is the silence (ms) before the line. */
const SCRIPT: { speaker: Speaker; pause: number; text: string }[] = [
  { speaker: 'Ada', pause: 1000, text: 'Welcome to Concord, a shared place to annotate video.' },
  { speaker: 'Ben', pause: 800, text: 'So we can both mark the same moment?' },
  { speaker: 'Ada', pause: 700, text: 'Yes. Select a span on the timeline and add a note.' },
  { speaker: 'Ben', pause: 900, text: 'The colour bars start right at the beginning.' },
  { speaker: 'Ada', pause: 700, text: 'And the timecode in the corner counts frames.' },
  { speaker: 'Ben', pause: 1200, text: 'Thirty thousand over one thousand and one, per second.' },
  { speaker: 'Ada', pause: 800, text: 'Exactly. Leave a comment on any frame you like.' },
  { speaker: 'Ben', pause: 900, text: 'I will note the tone under our voices.' },
  { speaker: 'Ada', pause: 700, text: 'Good. This line ends the demo.' },
];

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) rej(new Error(`${cmd} failed: ${stderr || error.message}`));
      else res(stdout);
    });
  });
}

async function readMono(path: string): Promise<{ rate: number; samples: Float32Array }> {
  const { sampleRate } = await readWavFormat(path);
  const blocks: Float32Array[] = [];
  for await (const block of decodeWavMono(path)) blocks.push(block);
  const samples = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) samples.set(b, (at += b.length) - b.length);
  return { rate: sampleRate, samples };
}

/** Drops espeak's leading/trailing silence so segment times match audible speech. */
function trimSilence(s: Float32Array): Float32Array {
  const loud = (x: number) => Math.abs(x) > 0.01;
  let a = 0;
  let b = s.length;
  while (a < b && !loud(s[a])) a++;
  while (b > a && !loud(s[b - 1])) b--;
  return s.subarray(a, b);
}

function wav16(samples: Float32Array, rate: number): Buffer {
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(samples.length * 2, 40);
  samples.forEach((x, i) => out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x)) * 32767), 44 + i * 2));
  return out;
}

function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? 'tests/fixtures/media/demo');
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'concord-demo-'));
  try {
    // 1. Synthesise each line and lay it out on a millisecond grid.
    let rate = 0;
    let cursorMs = 0;
    const placed: { speaker: Speaker; text: string; startMs: number; endMs: number; samples: Float32Array }[] = [];
    for (const [i, line] of SCRIPT.entries()) {
      const file = join(work, `line${i}.wav`);
      await run('espeak-ng', ['-v', VOICES[line.speaker], '-s', '150', '-w', file, '--', line.text]);
      const mono = await readMono(file);
      rate = mono.rate;
      const samples = trimSilence(mono.samples);
      const startMs = cursorMs + line.pause;
      const endMs = startMs + Math.ceil((samples.length * 1000) / rate);
      placed.push({ speaker: line.speaker, text: line.text, startMs, endMs, samples });
      cursorMs = endMs;
    }
    if (cursorMs > DEMO_DURATION_SEC * 1000 - 500) {
      throw new Error(`dialogue is ${cursorMs} ms; it must end before ${DEMO_DURATION_SEC} s`);
    }
    const speech = new Float32Array(Math.round(DEMO_DURATION_SEC * rate));
    for (const p of placed) speech.set(p.samples, Math.round((p.startMs * rate) / 1000));
    const speechFull = join(work, 'speech-full.wav');
    await writeFile(speechFull, wav16(speech, rate));

    // 2. The clip: colour bars (static, so tiny when encoded) + timecode, tone + speech, exactly FRAMES frames.
    const rateStr = `${FPS.num}/${FPS.den}`;
    const text = existsSync(FONT)
      ? `,drawtext=fontfile=${FONT}:timecode='00\\:00\\:00\\;00':rate=${rateStr}:fontsize=32` +
        ':fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6:x=20:y=20' +
        `,drawtext=fontfile=${FONT}:text='Concord demo':fontsize=24:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6:x=20:y=h-44`
      : '';
    const encoders = await run('ffmpeg', ['-hide_banner', '-encoders']);
    const video = encoders.includes('libx264')
      ? [
          '-c:v',
          'libx264',
          '-preset',
          'slow',
          '-crf',
          '30',
          '-tune',
          'stillimage',
          '-g',
          '300',
          '-x264-params',
          'threads=1',
        ]
      : ['-c:v', 'mpeg4', '-q:v', '12', '-g', '300'];
    const mp4 = join(outDir, 'demo.mp4');
    await run(
      'ffmpeg',
      [
        '-y',
        '-v',
        'error',
        '-nostdin',
        '-f',
        'lavfi',
        '-i',
        `smptebars=size=640x360:rate=${rateStr}`,
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=220:sample_rate=${AUDIO_RATE}`,
        '-i',
        speechFull,
        '-filter_complex',
        `[0:v]format=yuv420p${text}[v];[1:a]volume=0.03[t];[2:a]aresample=${AUDIO_RATE}[s];` +
          '[t][s]amix=inputs=2:duration=shortest:normalize=0[a]',
        '-map',
        '[v]',
        '-map',
        '[a]',
        '-frames:v',
        String(FRAMES),
        '-t',
        DEMO_DURATION_SEC.toFixed(6),
        ...video,
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-b:a',
        '32k',
        '-ac',
        '1',
        '-ar',
        String(AUDIO_RATE),
        '-movflags',
        '+faststart',
        '-map_metadata',
        '-1',
        mp4,
      ],
      600_000,
    );

    // 3. The speech alone, and the transcript in both formats.
    await run('ffmpeg', [
      '-y',
      '-v',
      'error',
      '-nostdin',
      '-i',
      speechFull,
      '-ar',
      String(SPEECH_WAV_RATE),
      '-c:a',
      'pcm_u8',
      join(outDir, 'speech.wav'),
    ]);
    const segments = placed.map((p) => ({
      start: p.startMs / 1000,
      end: p.endMs / 1000,
      speaker: p.speaker,
      text: p.text,
    }));
    const transcript = {
      durationSec: DEMO_DURATION_SEC,
      frameRate: FPS,
      frameCount: FRAMES,
      audio: { sampleRate: AUDIO_RATE, channels: 1 },
      speechWav: { sampleRate: SPEECH_WAV_RATE, channels: 1, encoding: 'pcm_u8' },
      voices: VOICES,
      segments,
    };
    await writeFile(join(outDir, 'demo.json'), JSON.stringify(transcript, null, 2) + '\n');
    const vtt = [
      'WEBVTT',
      '',
      ...segments.flatMap((s, i) => [
        `${i + 1}`,
        `${vttTime(s.start)} --> ${vttTime(s.end)}`,
        `<v ${s.speaker}>${s.text}`,
        '',
      ]),
    ];
    await writeFile(join(outDir, 'demo.vtt'), vtt.join('\n'));
    console.log(`demo media written to ${outDir} (${segments.length} lines, speech ends at ${cursorMs} ms)`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
