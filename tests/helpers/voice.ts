import { existsSync } from 'node:fs';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { Device, FakeHandler } from 'mediasoup-client';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import pino from 'pino';
import { loadConfig } from '../../server/config.ts';
import type { SessionInfo } from '../../server/sessions/extension.ts';
import { voiceExtension } from '../../server/voice/extension.ts';
import { VoiceService } from '../../server/voice/service.ts';
import { TestSessionHub } from './session-hub.ts';

/**
 * Voice tests run the real mediasoup worker. CI builds it (.ci/run → scripts/mediasoup/); without
 * it these tests fail, on purpose, with this message rather than being skipped.
 */
export function requireWorker(): string {
  const bin = process.env.MEDIASOUP_WORKER_BIN;
  if (bin === undefined || bin === '' || !existsSync(bin)) {
    throw new Error(
      `voice tests need the real mediasoup worker: set MEDIASOUP_WORKER_BIN (now ${JSON.stringify(bin ?? null)}) ` +
        'to the path printed by scripts/mediasoup/worker-path.sh',
    );
  }
  return bin;
}

/** A started VoiceService on the real worker, with the given extra environment. */
export async function startVoice(env: Record<string, string> = {}): Promise<VoiceService> {
  const config = loadConfig({ MEDIASOUP_WORKER_BIN: requireWorker(), VOICE_WORKERS: '1', ...env });
  const service = new VoiceService(config.voice, pino({ level: 'silent' }));
  await service.start();
  if (!service.available) throw new Error(`voice did not start: ${service.unavailableReason}`);
  return service;
}

export function session(participantIds: string[], id = 'session-1'): SessionInfo {
  return { id, taskId: 'task-1', projectId: 'project-1', leaderId: participantIds[0] ?? '', participantIds };
}

export function hubFor(service: VoiceService, info: SessionInfo): TestSessionHub {
  return new TestSessionHub(voiceExtension(service), info);
}

/** mediasoup-client's FakeHandler: real client signalling logic, no browser media stack. */
export function fakeHandlerFactory(): ReturnType<typeof FakeHandler.createFactory> {
  return FakeHandler.createFactory(fakeParameters);
}

export async function fakeDevice(): Promise<Device> {
  return Device.factory({ handlerFactory: fakeHandlerFactory() });
}

export function fakeMicrophone(): MediaStreamTrack {
  return new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack;
}
