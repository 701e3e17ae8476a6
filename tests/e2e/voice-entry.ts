/** Bundled for the voice e2e pages (as `window.Voice`): the client and the panel, outside the app. */
import { mount } from 'svelte';
import type { SessionChannel } from '../../web/lib/session/channel.ts';
import VoicePanel from '../../web/lib/voice/VoicePanel.svelte';

export { VoiceClient } from '../../web/lib/voice/client.ts';

export function mountPanel(target: HTMLElement, channel: SessionChannel): void {
  mount(VoicePanel, { target, props: { channel } });
}
